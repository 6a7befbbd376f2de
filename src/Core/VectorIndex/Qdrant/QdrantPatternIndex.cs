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
    private readonly QdrantOptions _options = options.Value;
    private readonly SemaphoreSlim _ensureLock = new(1, 1);
    private volatile bool _ready;

    private string Alias => _options.Collection;

    public async Task EnsureReadyAsync(CancellationToken cancellationToken = default)
    {
        if (_ready) return;
        await _ensureLock.WaitAsync(cancellationToken);
        try
        {
            if (_ready) return;
            var collection = await ResolveAliasAsync(cancellationToken);
            if (collection is null)
            {
                if (await client.CollectionExistsAsync(Alias, cancellationToken))
                    throw new VectorIndexMismatchException(
                        $"Qdrant has a collection named '{Alias}', but PatternSync reads through an alias of that name. " +
                        "Delete or rename that collection; PatternSync then creates its own collection and the alias.");
                collection = await CreateCollectionAsync(cancellationToken);
                await client.CreateAliasAsync(Alias, collection, cancellationToken: cancellationToken);
                LogCreated(collection, Alias);
            }
            await VerifyAsync(collection, cancellationToken);
            _ready = true;
        }
        finally
        {
            _ensureLock.Release();
        }
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

    /// <summary>Points the alias at <paramref name="collection"/> in one atomic operation; readers never see it missing.</summary>
    public async Task SwitchAliasAsync(string collection, CancellationToken cancellationToken = default)
    {
        var previous = await ResolveAliasAsync(cancellationToken);
        var operations = new List<AliasOperations>();
        if (previous is not null) operations.Add(new AliasOperations { DeleteAlias = new DeleteAlias { AliasName = Alias } });
        operations.Add(new AliasOperations { CreateAlias = new CreateAlias { AliasName = Alias, CollectionName = collection } });
        await client.UpdateAliasesAsync(operations, cancellationToken: cancellationToken);
        _ready = false;
        LogSwitched(Alias, previous, collection);
    }

    public async Task UpsertAsync(IReadOnlyCollection<PatternPoint> points, bool replaceSameVersion = false, CancellationToken cancellationToken = default)
    {
        if (points.Count == 0) return;
        await EnsureReadyAsync(cancellationToken);
        var structs = points.Select(point => new PointStruct
        {
            Id = point.Id,
            Vectors = point.Vector.ToArray(),
            Payload = { QdrantPayloads.ToValues(point.Payload) },
        }).ToList();
        var guard = QdrantFilters.NewerThanIndexed(points.Select(p => (p.Id, p.Payload.Version)), replaceSameVersion);
        await client.UpsertAsync(Alias, structs, guard, wait: true, cancellationToken: cancellationToken);
    }

    public async Task SetPayloadAsync(IReadOnlyCollection<PatternPayload> payloads, bool replaceSameVersion = false, CancellationToken cancellationToken = default)
    {
        if (payloads.Count == 0) return;
        await EnsureReadyAsync(cancellationToken);
        // One payload per request in Qdrant's API; the guard filter keeps each one atomic.
        await Parallel.ForEachAsync(payloads,
            new ParallelOptions { MaxDegreeOfParallelism = ConcurrentPayloadUpdates, CancellationToken = cancellationToken },
            async (payload, ct) => await client.SetPayloadAsync(Alias, QdrantPayloads.ToValues(payload),
                QdrantFilters.NewerThanIndexed([(payload.PatternId, payload.Version)], replaceSameVersion), wait: true, cancellationToken: ct));
    }

    public async Task DeleteAsync(IReadOnlyCollection<PointDeletion> deletions, CancellationToken cancellationToken = default)
    {
        if (deletions.Count == 0) return;
        await EnsureReadyAsync(cancellationToken);
        await client.DeleteAsync(Alias, QdrantFilters.NewerThanIndexed(deletions.Select(d => (d.PatternId, d.Version)), includeSameVersion: false),
            wait: true, cancellationToken: cancellationToken);
    }

    public async Task DeleteUnconditionallyAsync(IReadOnlyCollection<Guid> ids, CancellationToken cancellationToken = default)
    {
        if (ids.Count == 0) return;
        await EnsureReadyAsync(cancellationToken);
        await client.DeleteAsync(Alias, ids.ToList(), wait: true, cancellationToken: cancellationToken);
    }

    public async Task<IReadOnlyDictionary<Guid, IndexedPoint>> GetAsync(IReadOnlyCollection<Guid> ids, CancellationToken cancellationToken = default)
    {
        if (ids.Count == 0) return new Dictionary<Guid, IndexedPoint>();
        await EnsureReadyAsync(cancellationToken);
        var points = await client.RetrieveAsync(Alias, ids.Select(id => (PointId)id).ToList(), StateSelector, false, cancellationToken: cancellationToken);
        return points.Select(ToIndexedPoint).ToDictionary(p => p.PatternId);
    }

    public async IAsyncEnumerable<IReadOnlyList<IndexedPoint>> ScrollAsync(int pageSize, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await EnsureReadyAsync(cancellationToken);
        PointId? offset = null;
        do
        {
            var page = await client.ScrollAsync(Alias, limit: (uint)pageSize, offset: offset, payloadSelector: StateSelector,
                vectorsSelector: false, cancellationToken: cancellationToken);
            if (page.Result.Count > 0) yield return page.Result.Select(ToIndexedPoint).ToList();
            offset = page.NextPageOffset;
        } while (offset is not null);
    }

    public async Task<IReadOnlyList<VectorMatch>> SearchAsync(ReadOnlyMemory<float> vector, PatternSearchFilter filter, int limit, float scoreThreshold, CancellationToken cancellationToken = default)
    {
        await EnsureReadyAsync(cancellationToken);
        var points = await client.QueryAsync(Alias, vector.ToArray(), filter: QdrantFilters.Search(filter), scoreThreshold: scoreThreshold,
            limit: (ulong)limit, payloadSelector: StateSelector, vectorsSelector: false, cancellationToken: cancellationToken);
        return points.Select(p => new VectorMatch(Guid.Parse(p.Id.Uuid), p.Score, QdrantPayloads.ReadVersion(p.Payload) ?? 0,
            QdrantPayloads.ReadContentHash(p.Payload))).ToList();
    }

    public async Task<long> CountAsync(PatternSearchFilter? filter = null, CancellationToken cancellationToken = default)
    {
        await EnsureReadyAsync(cancellationToken);
        return (long)await client.CountAsync(Alias, filter is null ? null : QdrantFilters.Search(filter), exact: true, cancellationToken: cancellationToken);
    }

    public async Task<VectorIndexInfo> GetInfoAsync(CancellationToken cancellationToken = default)
    {
        var collection = await ResolveAliasAsync(cancellationToken)
            ?? throw new VectorIndexMismatchException($"The Qdrant alias '{Alias}' does not exist yet.");
        var info = await client.GetCollectionInfoAsync(collection, cancellationToken);
        return new VectorIndexInfo(Alias, collection, info.Status.ToString(), (long)info.PointsCount, (long)info.IndexedVectorsCount,
            (int)info.Config.Params.VectorsConfig.Params.Size);
    }

    private async Task VerifyAsync(string collection, CancellationToken cancellationToken)
    {
        var info = await client.GetCollectionInfoAsync(collection, cancellationToken);
        var size = (int)info.Config.Params.VectorsConfig.Params.Size;
        var heldModel = QdrantCollectionNames.ModelOf(collection, Alias);
        if (size != model.Dimensions || (heldModel is not null && heldModel != QdrantCollectionNames.Slug(model.Name)))
            throw new VectorIndexMismatchException(
                $"The Qdrant collection '{collection}' behind '{Alias}' holds {size}-dimensional vectors of model '{heldModel ?? "unknown"}', " +
                $"but the configured embedder '{model.Name}' makes {model.Dimensions}-dimensional ones. Rebuild the index (reindex) for the new model.");
    }

    private async Task<string?> ResolveAliasAsync(CancellationToken cancellationToken)
    {
        var aliases = await client.ListAliasesAsync(cancellationToken);
        return aliases.FirstOrDefault(a => a.AliasName == Alias)?.CollectionName;
    }

    private static readonly WithPayloadSelector StateSelector = new()
    {
        Include = new PayloadIncludeSelector { Fields = { QdrantPayloads.Version, QdrantPayloads.ContentHash } },
    };

    private static IndexedPoint ToIndexedPoint(RetrievedPoint point) =>
        new(Guid.Parse(point.Id.Uuid), QdrantPayloads.ReadVersion(point.Payload) ?? 0, QdrantPayloads.ReadContentHash(point.Payload));

    [LoggerMessage(LogLevel.Information, "Created Qdrant collection {Collection} behind alias {Alias}")]
    private partial void LogCreated(string collection, string alias);

    [LoggerMessage(LogLevel.Information, "Switched Qdrant alias {Alias} from {Previous} to {Collection}")]
    private partial void LogSwitched(string alias, string? previous, string collection);
}
