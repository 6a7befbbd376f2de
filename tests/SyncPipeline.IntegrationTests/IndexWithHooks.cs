using PatternSync.Core.Filters;
using PatternSync.Core.VectorIndex;

namespace SyncPipeline.IntegrationTests;

/// <summary>
/// The real index, with a moment a test can step into: another worker's write lands between a read and what follows.
/// </summary>
public sealed class IndexWithHooks(IPatternVectorIndex index) : IPatternVectorIndex
{
    /// <summary>Answers the next GetAsync instead of the index (what the caller saw before another worker's write).</summary>
    public IReadOnlyDictionary<Guid, IndexedPoint>? NextGet { get; set; }

    /// <summary>Runs once a scroll has read every page, before the caller goes on.</summary>
    public Func<Task>? AfterScroll { get; set; }

    public Task<IReadOnlyDictionary<Guid, IndexedPoint>> GetAsync(
        IReadOnlyCollection<Guid> ids, CancellationToken cancellationToken = default)
    {
        if (NextGet is not { } seen) return index.GetAsync(ids, cancellationToken);
        NextGet = null;
        return Task.FromResult(seen);
    }

    public async IAsyncEnumerable<IReadOnlyList<IndexedPoint>> ScrollAsync(int pageSize,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await foreach (var page in index.ScrollAsync(pageSize, cancellationToken)) yield return page;
        if (AfterScroll is { } step) await step();
    }

    public Task EnsureReadyAsync(CancellationToken cancellationToken = default) => index.EnsureReadyAsync(cancellationToken);
    public Task UpsertAsync(
        IReadOnlyCollection<PatternPoint> points, bool replaceSameVersion = false, CancellationToken cancellationToken = default) =>
        index.UpsertAsync(points, replaceSameVersion, cancellationToken);
    public Task SetPayloadAsync(
        IReadOnlyCollection<PatternPayload> payloads, bool replaceSameVersion = false, CancellationToken cancellationToken = default) =>
        index.SetPayloadAsync(payloads, replaceSameVersion, cancellationToken);
    public Task DeleteAsync(IReadOnlyCollection<PointDeletion> deletions, CancellationToken cancellationToken = default) =>
        index.DeleteAsync(deletions, cancellationToken);
    public Task DeleteUnconditionallyAsync(IReadOnlyCollection<Guid> ids, CancellationToken cancellationToken = default) =>
        index.DeleteUnconditionallyAsync(ids, cancellationToken);
    public Task<IReadOnlyList<VectorMatch>> SearchAsync(
        ReadOnlyMemory<float> vector, PatternFilter filter, int limit, float scoreThreshold,
        CancellationToken cancellationToken = default) =>
        index.SearchAsync(vector, filter, limit, scoreThreshold, cancellationToken);
    public Task<long> CountAsync(PatternFilter? filter = null, CancellationToken cancellationToken = default) =>
        index.CountAsync(filter, cancellationToken);
    public Task<VectorIndexInfo> GetInfoAsync(CancellationToken cancellationToken = default) => index.GetInfoAsync(cancellationToken);
}
