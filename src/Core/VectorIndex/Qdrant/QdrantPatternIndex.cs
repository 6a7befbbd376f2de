using System.Runtime.CompilerServices;
using Grpc.Core;
using PatternSync.Core.Filters;
using Qdrant.Client;
using Qdrant.Client.Grpc;

namespace PatternSync.Core.VectorIndex.Qdrant;

/// <summary>
/// The pattern index in Qdrant, its data plane: points are read and written through the collections that
/// <see cref="QdrantCollections"/> routes to (the alias, and the collection being built while a rebuild runs).
/// </summary>
public sealed class QdrantPatternIndex(QdrantClient client, QdrantCollections collections) : IPatternVectorIndex
{
    private const int ConcurrentPayloadUpdates = 8;

    /// <summary>Creates the collection and the alias on the first start; refuses a collection this embedder cannot use.</summary>
    public Task EnsureReadyAsync(CancellationToken cancellationToken = default) => collections.RoutesAsync(cancellationToken);

    public async Task UpsertAsync(
        IReadOnlyCollection<PatternPoint> points, bool replaceSameVersion = false, CancellationToken cancellationToken = default)
    {
        if (points.Count == 0) return;
        var writes = (await collections.RoutesAsync(cancellationToken)).Writes;
        await client.UpsertNewerAsync(writes, points, replaceSameVersion, cancellationToken);
    }

    public async Task SetPayloadAsync(
        IReadOnlyCollection<PatternPayload> payloads, bool replaceSameVersion = false, CancellationToken cancellationToken = default)
    {
        if (payloads.Count == 0) return;
        // One payload per request in Qdrant's API; the guard filter keeps each one atomic.
        var targets = (await collections.RoutesAsync(cancellationToken)).Writes;
        await Parallel.ForEachAsync(payloads.SelectMany(payload => targets.Select(target => (target, payload))),
            new ParallelOptions { MaxDegreeOfParallelism = ConcurrentPayloadUpdates, CancellationToken = cancellationToken },
            async (write, ct) => await client.SetPayloadAsync(write.target, QdrantPayloads.ToValues(write.payload),
                QdrantFilters.SameTextNewerThanIndexed(write.payload, replaceSameVersion), wait: true, cancellationToken: ct));
    }

    public async Task DeleteAsync(IReadOnlyCollection<PointDeletion> deletions, CancellationToken cancellationToken = default)
    {
        if (deletions.Count == 0) return;
        var guard = QdrantFilters.NewerThanIndexed(deletions.Select(d => (d.PatternId, d.Version)), includeSameVersion: false);
        foreach (var target in (await collections.RoutesAsync(cancellationToken)).Writes)
            await client.DeleteAsync(target, guard, wait: true, cancellationToken: cancellationToken);
    }

    public async Task DeleteUnconditionallyAsync(IReadOnlyCollection<Guid> ids, CancellationToken cancellationToken = default)
    {
        if (ids.Count == 0) return;
        foreach (var target in (await collections.RoutesAsync(cancellationToken)).Writes)
            await client.DeleteAsync(target, ids.ToList(), wait: true, cancellationToken: cancellationToken);
    }

    public async Task<IReadOnlyDictionary<Guid, IndexedPoint>> GetAsync(
        IReadOnlyCollection<Guid> ids, CancellationToken cancellationToken = default)
    {
        if (ids.Count == 0) return new Dictionary<Guid, IndexedPoint>();
        var read = (await collections.RoutesAsync(cancellationToken)).Read;
        var points = await client.RetrieveAsync(read, ids.Select(id => (PointId)id).ToList(),
            StateSelector, false, cancellationToken: cancellationToken);
        return points.Select(ToIndexedPoint).ToDictionary(p => p.PatternId);
    }

    public async IAsyncEnumerable<IReadOnlyList<IndexedPoint>> ScrollAsync(
        int pageSize, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var collection = (await collections.RoutesAsync(cancellationToken)).Read;
        PointId? offset = null;
        do
        {
            var page = await client.ScrollAsync(collection, limit: (uint)pageSize, offset: offset, payloadSelector: StateSelector,
                vectorsSelector: false, cancellationToken: cancellationToken);
            if (page.Result.Count > 0) yield return page.Result.Select(ToIndexedPoint).ToList();
            offset = page.NextPageOffset;
        } while (offset is not null);
    }

    public async Task<IReadOnlyList<VectorMatch>> SearchAsync(
        ReadOnlyMemory<float> vector, PatternFilter filter, int limit, float scoreThreshold,
        CancellationToken cancellationToken = default)
    {
        var alias = await collections.SearchableAliasAsync(cancellationToken);
        IReadOnlyList<ScoredPoint> points;
        try
        {
            points = await client.QueryAsync(alias, vector.ToArray(), filter: QdrantFilters.Search(filter), scoreThreshold: scoreThreshold,
                limit: (ulong)limit, payloadSelector: StateSelector, vectorsSelector: false, cancellationToken: cancellationToken);
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.InvalidArgument)
        {
            // Since the last look, the alias may have moved to a collection of another vector size: looking again
            // reports that as the mismatch it is.
            await collections.LookAgainAsync(cancellationToken);
            throw;
        }
        return points.Select(p => new VectorMatch(Guid.Parse(p.Id.Uuid), p.Score, QdrantPayloads.ReadVersion(p.Payload) ?? 0,
            QdrantPayloads.ReadContentHash(p.Payload))).ToList();
    }

    public async Task<long> CountAsync(PatternFilter? filter = null, CancellationToken cancellationToken = default) =>
        (long)await client.CountAsync((await collections.RoutesAsync(cancellationToken)).Read,
            filter is null ? null : QdrantFilters.Search(filter), exact: true, cancellationToken: cancellationToken);

    public async Task<VectorIndexInfo> GetInfoAsync(CancellationToken cancellationToken = default)
    {
        var (live, building) = await collections.TargetsAsync(cancellationToken);
        if (live is null) throw new VectorIndexMismatchException($"The Qdrant alias '{collections.Alias}' does not exist yet.");
        var info = await client.GetCollectionInfoAsync(live, cancellationToken);
        return new VectorIndexInfo(collections.Alias, live, info.Status.ToString(), (long)info.PointsCount, (long)info.IndexedVectorsCount,
            (int)info.Config.Params.VectorsConfig.Params.Size,
            building is null ? null : await RebuildProgressAsync(building, cancellationToken));
    }

    private async Task<IndexRebuild?> RebuildProgressAsync(string collection, CancellationToken cancellationToken)
    {
        try
        {
            return new IndexRebuild(collection, (long)(await client.GetCollectionInfoAsync(collection, cancellationToken)).PointsCount);
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.NotFound)
        {
            return null; // it finished, or was given up, since the aliases were read
        }
    }

    private static readonly WithPayloadSelector StateSelector = new()
    {
        Include = new PayloadIncludeSelector { Fields = { QdrantPayloads.Version, QdrantPayloads.ContentHash } },
    };

    private static IndexedPoint ToIndexedPoint(RetrievedPoint point) =>
        new(Guid.Parse(point.Id.Uuid), QdrantPayloads.ReadVersion(point.Payload) ?? 0, QdrantPayloads.ReadContentHash(point.Payload));
}
