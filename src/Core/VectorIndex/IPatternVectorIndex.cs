using PatternSync.Core.Filters;

namespace PatternSync.Core.VectorIndex;

/// <summary>
/// The vector index of patterns, as the sync worker, the match endpoint and reconciliation need it.
/// Writes are version-guarded: a point is only replaced, changed or deleted by a write that
/// carries a newer pattern version than the point holds, so a slow, stale message can never
/// overwrite a newer state, whichever worker delivers it and in whatever order.
/// </summary>
public interface IPatternVectorIndex
{
    /// <summary>Creates the collection (and the alias clients read through) when missing; refuses one of another vector size or model.</summary>
    Task EnsureReadyAsync(CancellationToken cancellationToken = default);

    /// <summary>Inserts or replaces points whose version is newer than the one indexed (or equal, with <paramref name="replaceSameVersion"/>, for repairs).</summary>
    Task UpsertAsync(IReadOnlyCollection<PatternPoint> points, bool replaceSameVersion = false, CancellationToken cancellationToken = default);

    /// <summary>
    /// Replaces the payload of existing points with a newer version, leaving their vectors as they are; only where
    /// the point holds the payload's content hash, since the vector it keeps must be that text's.
    /// </summary>
    Task SetPayloadAsync(IReadOnlyCollection<PatternPayload> payloads, bool replaceSameVersion = false, CancellationToken cancellationToken = default);

    /// <summary>Deletes the points of deleted patterns, unless the index holds a version at least as new as the deletion.</summary>
    Task DeleteAsync(IReadOnlyCollection<PointDeletion> deletions, CancellationToken cancellationToken = default);

    /// <summary>Deletes points whatever their version (orphans found by reconciliation).</summary>
    Task DeleteUnconditionallyAsync(IReadOnlyCollection<Guid> ids, CancellationToken cancellationToken = default);

    /// <summary>What the index holds for these patterns (absent ids are missing from the result).</summary>
    Task<IReadOnlyDictionary<Guid, IndexedPoint>> GetAsync(IReadOnlyCollection<Guid> ids, CancellationToken cancellationToken = default);

    /// <summary>Every point, page by page in id order, with version and content hash only (no vectors).</summary>
    IAsyncEnumerable<IReadOnlyList<IndexedPoint>> ScrollAsync(int pageSize, CancellationToken cancellationToken = default);

    /// <summary>Nearest points by cosine similarity that pass the filter and reach the threshold, best first.</summary>
    Task<IReadOnlyList<VectorMatch>> SearchAsync(ReadOnlyMemory<float> vector, PatternFilter filter, int limit, float scoreThreshold, CancellationToken cancellationToken = default);

    Task<long> CountAsync(PatternFilter? filter = null, CancellationToken cancellationToken = default);

    /// <summary>The collection behind the alias: status, point and indexed-vector counts, vector size (the seed's first troubleshooting step).</summary>
    Task<VectorIndexInfo> GetInfoAsync(CancellationToken cancellationToken = default);
}
