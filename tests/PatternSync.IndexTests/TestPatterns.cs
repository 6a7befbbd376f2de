using PatternSync.Core.VectorIndex;

namespace PatternSync.IndexTests;

/// <summary>Points with hand-made 4-dimensional vectors, so cosine scores are known exactly.</summary>
internal static class TestPatterns
{
    public static PatternPayload Payload(Guid id, int version = 1, string type = "caching", string status = "active",
        string[]? tags = null, double quality = 0.9, double? successRate = null, string hash = "hash") =>
        new(id, type, version, status, tags ?? ["redis"], quality, successRate, 0, 1_700_000_000, null, hash);

    public static PatternPoint Point(PatternPayload payload, params float[] vector) => new(payload, vector);
}
