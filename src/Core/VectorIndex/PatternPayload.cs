using PatternSync.Core.Patterns;

namespace PatternSync.Core.VectorIndex;

/// <summary>
/// A point's payload: the seed's <c>create_pattern_payload</c> (times as Unix seconds) plus the
/// content hash of the embedded text, so re-embedding can be skipped when it is unchanged.
/// Each property is a field of <see cref="PatternPayloadFields"/>, which both indexes read and write it by.
/// </summary>
public sealed record PatternPayload(
    Guid PatternId,
    string PatternType,
    int Version,
    string Status,
    IReadOnlyList<string> Tags,
    double QualityScore,
    double? SuccessRate,
    int MatchCount,
    long CreatedAt,
    long? LastMatchedAt,
    string ContentHash)
{
    public static PatternPayload From(SuccessPattern pattern) => new(
        pattern.PatternId, pattern.PatternType, pattern.Version, pattern.Status, pattern.Tags,
        pattern.QualityScore, pattern.SuccessRate, pattern.MatchCount, pattern.CreatedAt.ToUnixTimeSeconds(),
        pattern.LastMatchedAt?.ToUnixTimeSeconds(), pattern.ContentHash);
}

/// <summary>A point to write: id = pattern id, the embedding of the pattern's text, its payload.</summary>
public sealed record PatternPoint(PatternPayload Payload, ReadOnlyMemory<float> Vector)
{
    public Guid Id => Payload.PatternId;
}

/// <summary>A deleted pattern and the version its deletion made.</summary>
public sealed record PointDeletion(Guid PatternId, int Version);

/// <summary>What the index holds for one pattern.</summary>
public sealed record IndexedPoint(Guid PatternId, int Version, string? ContentHash);

/// <summary>A search hit, with the version and content hash the index held for it.</summary>
public sealed record VectorMatch(Guid PatternId, float Score, int Version, string? ContentHash);

/// <param name="Rebuild">The collection a rebuild is filling, while one runs.</param>
public sealed record VectorIndexInfo(string Alias, string Collection, string Status, long PointsCount, long IndexedVectorsCount,
    int VectorSize, IndexRebuild? Rebuild = null);

/// <summary>A rebuild in progress: its new collection and how many points it holds so far.</summary>
public sealed record IndexRebuild(string Collection, long PointsCount);
