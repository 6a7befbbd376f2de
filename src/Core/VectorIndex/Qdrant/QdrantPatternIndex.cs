using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Grpc.Core;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PatternSync.Core.Embeddings;
using Qdrant.Client;
using Qdrant.Client.Grpc;

namespace PatternSync.Core.VectorIndex.Qdrant;

/// <summary>
/// The pattern index in Qdrant. Readers and writers go through an alias (<see cref="QdrantOptions.Collection"/>);
/// the collection behind it is named for the model and vector size it holds, so a model change is a
/// rebuild into a new collection and an alias switch, never a mix of vectors.
/// </summary>
public sealed partial class QdrantPatternIndex(
    QdrantClient client, IOptions<QdrantOptions> options, EmbeddingModel model, ILogger<QdrantPatternIndex> logger)
    : IPatternVectorIndex
{
    private const int ConcurrentPayloadUpdates = 8;
    /// <summary>
    /// How long a host keeps the collections it looked up (live, building) before it looks again: after a
    /// rebuild began, how long a writer may go on writing only to the live collection.
    /// </summary>
    public static readonly TimeSpan RoutesRefresh = TimeSpan.FromSeconds(2);
    private readonly QdrantOptions _options = options.Value;
    private readonly SemaphoreSlim _routesLock = new(1, 1);
    private readonly ConcurrentDictionary<string, string?> _mismatches = new();
    private volatile Routes? _routes;
    private DateTime _routesCheckedAt = DateTime.MinValue;

    private string Alias => _options.Collection;

    /// <summary>While a rebuild runs, this alias names the collection being built; writers write to it too.</summary>
    public string BuildingAlias => Alias + "-building";

    /// <summary>Where this host reads, and every collection it writes each change to.</summary>
    private sealed record Routes(string Read, IReadOnlyList<string> Writes);

    /// <summary>Creates the collection and the alias on the first start; refuses a collection this embedder cannot use.</summary>
    public Task EnsureReadyAsync(CancellationToken cancellationToken = default) => RoutesAsync(cancellationToken);

    /// <summary>
    /// The live alias, and the building alias while a rebuild for this embedder runs (looked up again every
    /// <see cref="RoutesRefresh"/>). A rebuild for another embedder (a change of model) gets none of this
    /// host's vectors; a host already on the model being built works on the new collection until the switch.
    /// What an old-model host writes during the backfill, the rebuild's catch-up brings across after the switch.
    /// </summary>
    private async Task<Routes> RoutesAsync(CancellationToken cancellationToken)
    {
        if (_routes is { } routes && DateTime.UtcNow - _routesCheckedAt < RoutesRefresh) return routes;
        await _routesLock.WaitAsync(cancellationToken);
        try
        {
            if (_routes is { } fresh && DateTime.UtcNow - _routesCheckedAt < RoutesRefresh) return fresh;
            var aliases = await client.ListAliasesAsync(cancellationToken);
            var live = Target(aliases, Alias) ?? await CreateLiveCollectionAsync(cancellationToken);
            var building = Target(aliases, BuildingAlias);
            var liveMismatch = await MismatchAsync(live, cancellationToken);
            var buildingFits = building is not null && await MismatchAsync(building, cancellationToken) is null;
            _routes = (liveMismatch, buildingFits) switch
            {
                (null, true) => new Routes(Alias, [Alias, BuildingAlias]),
                (null, false) => new Routes(Alias, [Alias]),
                (_, true) => new Routes(BuildingAlias, [BuildingAlias]),
                _ => throw new VectorIndexMismatchException(liveMismatch),
            };
            _routesCheckedAt = DateTime.UtcNow;
            return _routes;
        }
        finally
        {
            _routesLock.Release();
        }
    }

    /// <summary>The collection an alias names, or null when there is no such alias.</summary>
    private static string? Target(IEnumerable<AliasDescription> aliases, string alias) =>
        aliases.FirstOrDefault(a => a.AliasName == alias)?.CollectionName;

    /// <summary>The next call looks the aliases up again instead of waiting out <see cref="RoutesRefresh"/>.</summary>
    private void LookAgain() => _routesCheckedAt = DateTime.MinValue;

    private async Task<string> CreateLiveCollectionAsync(CancellationToken cancellationToken)
    {
        if (await client.CollectionExistsAsync(Alias, cancellationToken))
            throw new VectorIndexMismatchException(
                $"Qdrant has a collection named '{Alias}', but PatternSync reads through an alias of that name. " +
                "Delete or rename that collection; PatternSync then creates its own collection and the alias.");
        var collection = await CreateCollectionAsync(cancellationToken);
        await client.CreateAliasAsync(Alias, collection, cancellationToken: cancellationToken);
        LogCreated(collection, Alias);
        return collection;
    }

    /// <summary>A new, empty collection configured for the current model (for a rebuild, or the first start).</summary>
    public async Task<string> CreateCollectionAsync(CancellationToken cancellationToken = default)
    {
        var name = QdrantCollectionNames.For(Alias, model, DateTimeOffset.UtcNow);
        // The seed's settings (on_disk_payload, always_ram, on_disk) are understood by every Qdrant
        // server; the client marks them obsolete for the newer "memory" fields that only the newest servers know.
#pragma warning disable CS0612
        await client.CreateCollectionAsync(new CreateCollection
        {
            CollectionName = name,
            VectorsConfig = new VectorsConfig
            {
                Params = new VectorParams { Size = (ulong)model.Dimensions, Distance = Distance.Cosine, OnDisk = _options.VectorsOnDisk },
            },
            HnswConfig = new HnswConfigDiff { M = _options.Hnsw.M, EfConstruct = _options.Hnsw.EfConstruct },
            OnDiskPayload = _options.OnDiskPayload,
            QuantizationConfig = _options.Quantization.Enabled
                ? new QuantizationConfig
                {
                    Scalar = new ScalarQuantization
                    {
                        Type = QuantizationType.Int8, Quantile = _options.Quantization.Quantile, AlwaysRam = _options.Quantization.AlwaysRam,
                    },
                }
                : null,
            ShardNumber = _options.ShardNumber,
            ReplicationFactor = _options.ReplicationFactor,
        }, cancellationToken);
#pragma warning restore CS0612
        foreach (var (field, type) in QdrantPayloads.Indexes)
            await client.CreatePayloadIndexAsync(name, field, type, cancellationToken: cancellationToken);
        return name;
    }

    /// <summary>
    /// Starts a rebuild: a new, empty collection for the current model, named by <see cref="BuildingAlias"/>
    /// so that every writer (within <see cref="RoutesRefresh"/>) writes each change to it as well.
    /// The live collection need not match the configured model: replacing one that does not is what a
    /// rebuild after a change of embedder is for.
    /// </summary>
    public async Task<string> BeginRebuildAsync(CancellationToken cancellationToken = default)
    {
        if (await BuildingCollectionAsync(cancellationToken) is { } running)
            throw new InvalidOperationException(
                $"A rebuild is already building '{running}' (alias '{BuildingAlias}'). If it crashed, delete that alias and collection.");
        var collection = await CreateCollectionAsync(cancellationToken);
        await client.CreateAliasAsync(BuildingAlias, collection, cancellationToken: cancellationToken);
        LookAgain();
        return collection;
    }

    /// <summary>Writes points into one collection (a rebuild's backfill), version-guarded like every write.</summary>
    public async Task UpsertIntoAsync(string collection, IReadOnlyCollection<PatternPoint> points, CancellationToken cancellationToken = default)
    {
        if (points.Count == 0) return;
        var structs = points.Select(ToPointStruct).ToList();
        await client.UpsertAsync(collection, structs, QdrantFilters.NewerThanIndexed(points.Select(p => (p.Id, p.Payload.Version)), false),
            wait: true, cancellationToken: cancellationToken);
    }

    /// <summary>The collection a rebuild is building, or null when none is.</summary>
    public async Task<string?> BuildingCollectionAsync(CancellationToken cancellationToken = default) =>
        Target(await client.ListAliasesAsync(cancellationToken), BuildingAlias);

    /// <summary>
    /// Gives a failed rebuild up: the building alias goes, so writers stop writing into the collection and
    /// the next rebuild can start, and the half-built collection is dropped. Readers never used it; once the
    /// live alias points at it (the switch happened, a later step failed) it is left alone.
    /// </summary>
    public async Task AbandonRebuildAsync(string collection, CancellationToken cancellationToken = default)
    {
        var aliases = await client.ListAliasesAsync(cancellationToken);
        if (Target(aliases, Alias) == collection) return;
        if (Target(aliases, BuildingAlias) == collection)
            await client.DeleteAliasAsync(BuildingAlias, cancellationToken: cancellationToken);
        LookAgain();
        await client.DeleteCollectionAsync(collection, cancellationToken: cancellationToken);
    }

    /// <summary>
    /// Ends a rebuild: in one atomic alias operation, the live alias moves to the new collection and the
    /// building alias goes (readers never see the alias missing); then the old collection is dropped.
    /// </summary>
    public async Task CompleteRebuildAsync(string collection, CancellationToken cancellationToken = default) =>
        await SwitchAliasAsync(collection, dropPrevious: true, cancellationToken);

    /// <summary>Points the alias at <paramref name="collection"/> in one atomic operation (dropping the building alias too).</summary>
    public async Task SwitchAliasAsync(string collection, bool dropPrevious = false, CancellationToken cancellationToken = default)
    {
        var aliases = await client.ListAliasesAsync(cancellationToken);
        var previous = Target(aliases, Alias);
        var operations = new List<AliasOperations>();
        if (previous is not null) operations.Add(new AliasOperations { DeleteAlias = new DeleteAlias { AliasName = Alias } });
        operations.Add(new AliasOperations { CreateAlias = new CreateAlias { AliasName = Alias, CollectionName = collection } });
        if (Target(aliases, BuildingAlias) is not null)
            operations.Add(new AliasOperations { DeleteAlias = new DeleteAlias { AliasName = BuildingAlias } });
        await client.UpdateAliasesAsync(operations, cancellationToken: cancellationToken);
        LookAgain();
        LogSwitched(Alias, previous, collection);
        if (dropPrevious && previous is not null && previous != collection) await client.DeleteCollectionAsync(previous, cancellationToken: cancellationToken);
    }

    public async Task UpsertAsync(IReadOnlyCollection<PatternPoint> points, bool replaceSameVersion = false, CancellationToken cancellationToken = default)
    {
        if (points.Count == 0) return;
        var structs = points.Select(ToPointStruct).ToList();
        var guard = QdrantFilters.NewerThanIndexed(points.Select(p => (p.Id, p.Payload.Version)), replaceSameVersion);
        foreach (var target in (await RoutesAsync(cancellationToken)).Writes)
            await client.UpsertAsync(target, structs, guard, wait: true, cancellationToken: cancellationToken);
    }

    public async Task SetPayloadAsync(IReadOnlyCollection<PatternPayload> payloads, bool replaceSameVersion = false, CancellationToken cancellationToken = default)
    {
        if (payloads.Count == 0) return;
        // One payload per request in Qdrant's API; the guard filter keeps each one atomic.
        var targets = (await RoutesAsync(cancellationToken)).Writes;
        await Parallel.ForEachAsync(payloads.SelectMany(payload => targets.Select(target => (target, payload))),
            new ParallelOptions { MaxDegreeOfParallelism = ConcurrentPayloadUpdates, CancellationToken = cancellationToken },
            async (write, ct) => await client.SetPayloadAsync(write.target, QdrantPayloads.ToValues(write.payload),
                QdrantFilters.SameTextNewerThanIndexed(write.payload, replaceSameVersion), wait: true, cancellationToken: ct));
    }

    public async Task DeleteAsync(IReadOnlyCollection<PointDeletion> deletions, CancellationToken cancellationToken = default)
    {
        if (deletions.Count == 0) return;
        var guard = QdrantFilters.NewerThanIndexed(deletions.Select(d => (d.PatternId, d.Version)), includeSameVersion: false);
        foreach (var target in (await RoutesAsync(cancellationToken)).Writes)
            await client.DeleteAsync(target, guard, wait: true, cancellationToken: cancellationToken);
    }

    public async Task DeleteUnconditionallyAsync(IReadOnlyCollection<Guid> ids, CancellationToken cancellationToken = default)
    {
        if (ids.Count == 0) return;
        foreach (var target in (await RoutesAsync(cancellationToken)).Writes)
            await client.DeleteAsync(target, ids.ToList(), wait: true, cancellationToken: cancellationToken);
    }

    public async Task<IReadOnlyDictionary<Guid, IndexedPoint>> GetAsync(IReadOnlyCollection<Guid> ids, CancellationToken cancellationToken = default)
    {
        if (ids.Count == 0) return new Dictionary<Guid, IndexedPoint>();
        var points = await client.RetrieveAsync((await RoutesAsync(cancellationToken)).Read, ids.Select(id => (PointId)id).ToList(), StateSelector, false, cancellationToken: cancellationToken);
        return points.Select(ToIndexedPoint).ToDictionary(p => p.PatternId);
    }

    public async IAsyncEnumerable<IReadOnlyList<IndexedPoint>> ScrollAsync(int pageSize, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var collection = (await RoutesAsync(cancellationToken)).Read;
        PointId? offset = null;
        do
        {
            var page = await client.ScrollAsync(collection, limit: (uint)pageSize, offset: offset, payloadSelector: StateSelector,
                vectorsSelector: false, cancellationToken: cancellationToken);
            if (page.Result.Count > 0) yield return page.Result.Select(ToIndexedPoint).ToList();
            offset = page.NextPageOffset;
        } while (offset is not null);
    }

    public async Task<IReadOnlyList<VectorMatch>> SearchAsync(ReadOnlyMemory<float> vector, PatternSearchFilter filter, int limit, float scoreThreshold, CancellationToken cancellationToken = default)
    {
        // A collection still being built would leave patterns out without a word: matching waits for the switch.
        if ((await RoutesAsync(cancellationToken)).Read == BuildingAlias)
            throw new VectorIndexMismatchException(
                $"The collection for '{model.Name}' is still being built (alias '{BuildingAlias}'); matching with this model starts at the switch.");
        IReadOnlyList<ScoredPoint> points;
        try
        {
            points = await client.QueryAsync(Alias, vector.ToArray(), filter: QdrantFilters.Search(filter), scoreThreshold: scoreThreshold,
                limit: (ulong)limit, payloadSelector: StateSelector, vectorsSelector: false, cancellationToken: cancellationToken);
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.InvalidArgument)
        {
            // Since the last look, the alias may have moved to a collection of another vector size: look again,
            // which reports that as the mismatch it is.
            LookAgain();
            await RoutesAsync(cancellationToken);
            throw;
        }
        return points.Select(p => new VectorMatch(Guid.Parse(p.Id.Uuid), p.Score, QdrantPayloads.ReadVersion(p.Payload) ?? 0,
            QdrantPayloads.ReadContentHash(p.Payload))).ToList();
    }

    public async Task<long> CountAsync(PatternSearchFilter? filter = null, CancellationToken cancellationToken = default)
    {
        return (long)await client.CountAsync((await RoutesAsync(cancellationToken)).Read, filter is null ? null : QdrantFilters.Search(filter), exact: true, cancellationToken: cancellationToken);
    }

    public async Task<VectorIndexInfo> GetInfoAsync(CancellationToken cancellationToken = default)
    {
        var aliases = await client.ListAliasesAsync(cancellationToken);
        var collection = Target(aliases, Alias)
            ?? throw new VectorIndexMismatchException($"The Qdrant alias '{Alias}' does not exist yet.");
        var info = await client.GetCollectionInfoAsync(collection, cancellationToken);
        var building = Target(aliases, BuildingAlias);
        return new VectorIndexInfo(Alias, collection, info.Status.ToString(), (long)info.PointsCount, (long)info.IndexedVectorsCount,
            (int)info.Config.Params.VectorsConfig.Params.Size, building is null ? null : await RebuildProgressAsync(building, cancellationToken));
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

    /// <returns>Why <paramref name="collection"/> cannot hold this embedder's vectors, or null when it can.</returns>
    private async Task<string?> MismatchAsync(string collection, CancellationToken cancellationToken)
    {
        // A collection's vector size never changes, and its name carries its creation time: ask once per collection.
        if (_mismatches.TryGetValue(collection, out var known)) return known;
        var info = await client.GetCollectionInfoAsync(collection, cancellationToken);
        var size = (int)info.Config.Params.VectorsConfig.Params.Size;
        var heldModel = QdrantCollectionNames.ModelOf(collection, Alias);
        return _mismatches[collection] = size == model.Dimensions && (heldModel is null || heldModel == QdrantCollectionNames.Slug(model.Name))
            ? null
            : $"The Qdrant collection '{collection}' behind '{Alias}' holds {size}-dimensional vectors of model '{heldModel ?? "unknown"}', " +
              $"but the configured embedder '{model.Name}' makes {model.Dimensions}-dimensional ones. Rebuild the index (reindex) for the new model.";
    }

    private static readonly WithPayloadSelector StateSelector = new()
    {
        Include = new PayloadIncludeSelector { Fields = { QdrantPayloads.Version, QdrantPayloads.ContentHash } },
    };

    private static PointStruct ToPointStruct(PatternPoint point) => new()
    {
        Id = point.Id,
        Vectors = point.Vector.ToArray(),
        Payload = { QdrantPayloads.ToValues(point.Payload) },
    };

    private static IndexedPoint ToIndexedPoint(RetrievedPoint point) =>
        new(Guid.Parse(point.Id.Uuid), QdrantPayloads.ReadVersion(point.Payload) ?? 0, QdrantPayloads.ReadContentHash(point.Payload));

    [LoggerMessage(LogLevel.Information, "Created Qdrant collection {Collection} behind alias {Alias}")]
    private partial void LogCreated(string collection, string alias);

    [LoggerMessage(LogLevel.Information, "Switched Qdrant alias {Alias} from {Previous} to {Collection}")]
    private partial void LogSwitched(string alias, string? previous, string collection);
}
