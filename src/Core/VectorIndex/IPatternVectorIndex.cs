using PatternSync.Core.Filters;

namespace PatternSync.Core.VectorIndex;

/// <summary>
/// The vector index of patterns. Writes are version-guarded (only a newer pattern version replaces, changes or
/// deletes a point), so a stale message, delivered by any worker in any order, never overwrites a newer state.
/// </summary>
public interface IPatternVectorIndex
{
    /// <summary>Creates the collection (and the alias clients read through) when missing; refuses one of another size or model.</summary>
    Task EnsureReadyAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Inserts or replaces points whose version is newer than the one indexed
    /// (or equal, with <paramref name="replaceSameVersion"/>, for repairs).
    /// </summary>
    Task UpsertAsync(
        IReadOnlyCollection<PatternPoint> points, bool replaceSameVersion = false, CancellationToken cancellationToken = default);

    /// <summary>
    /// Replaces the payload of existing points with a newer version, leaving their vectors as they are; only where
    /// the point holds the payload's content hash, since the vector it keeps must be that text's.
    /// </summary>
    Task SetPayloadAsync(
        IReadOnlyCollection<PatternPayload> payloads, bool replaceSameVersion = false, CancellationToken cancellationToken = default);

    /// <summary>Deletes the points of deleted patterns, unless the index holds a version at least as new as the deletion.</summary>
    Task DeleteAsync(IReadOnlyCollection<PointDeletion> deletions, CancellationToken cancellationToken = default);

    /// <summary>Deletes points whatever their version (orphans found by reconciliation).</summary>
    Task DeleteUnconditionallyAsync(IReadOnlyCollection<Guid> ids, CancellationToken cancellationToken = default);

    /// <summary>What the index holds for these patterns (absent ids are missing from the result).</summary>
    Task<IReadOnlyDictionary<Guid, IndexedPoint>> GetAsync(IReadOnlyCollection<Guid> ids, CancellationToken cancellationToken = default);

    /// <summary>Every point, page by page in id order, with version and content hash only (no vectors).</summary>
    IAsyncEnumerable<IReadOnlyList<IndexedPoint>> ScrollAsync(int pageSize, CancellationToken cancellationToken = default);

    /// <summary>Nearest points by cosine similarity that pass the filter and reach the threshold, best first.</summary>
    Task<IReadOnlyList<VectorMatch>> SearchAsync(ReadOnlyMemory<float> vector, PatternFilter filter, int limit, float scoreThreshold,
        CancellationToken cancellationToken = default);

    Task<long> CountAsync(PatternFilter? filter = null, CancellationToken cancellationToken = default);

    /// <summary>The collection behind the alias: status, point and indexed-vector counts, vector size (what to check first).</summary>
    Task<VectorIndexInfo> GetInfoAsync(CancellationToken cancellationToken = default);
}
