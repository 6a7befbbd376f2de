using Qdrant.Client.Grpc;

namespace PatternSync.Core.VectorIndex.Qdrant;

/// <summary>A <see cref="PatternPayload"/> as Qdrant values and payload indexes, derived from <see cref="PatternPayloadFields"/>.</summary>
public static class QdrantPayloads
{
    // The names the filter translation matches on.
    public const string PatternType = PatternPayloadFields.PatternType;
    public const string Version = PatternPayloadFields.Version;
    public const string Status = PatternPayloadFields.Status;
    public const string Tags = PatternPayloadFields.Tags;
    public const string QualityScore = PatternPayloadFields.QualityScore;
    public const string SuccessRate = PatternPayloadFields.SuccessRate;
    public const string ContentHash = PatternPayloadFields.ContentHash;

    /// <summary>The seed's payload indexes.</summary>
    public static readonly IReadOnlyList<(string Field, PayloadSchemaType Type)> Indexes =
        PatternPayloadFields.All.Where(f => f.QdrantIndex is not null).Select(f => (f.Name, f.QdrantIndex!.Value)).ToList();

    public static Dictionary<string, Value> ToValues(PatternPayload payload) =>
        PatternPayloadFields.All.ToDictionary(field => field.Name, field => field.ToQdrant(payload));

    /// <summary>A payload from a point's full payload; a missing field throws.</summary>
    public static PatternPayload FromValues(IDictionary<string, Value> values) =>
        PatternPayloadFields.All.Aggregate(PatternPayloadFields.Blank, (payload, field) => field.FromQdrant(payload, values[field.Name]));

    public static int? ReadVersion(IDictionary<string, Value> payload) =>
        payload.TryGetValue(Version, out var value) && value.KindCase == Value.KindOneofCase.IntegerValue ? (int)value.IntegerValue : null;

    public static string? ReadContentHash(IDictionary<string, Value> payload) =>
        payload.TryGetValue(ContentHash, out var value) && value.KindCase == Value.KindOneofCase.StringValue ? value.StringValue : null;
}
