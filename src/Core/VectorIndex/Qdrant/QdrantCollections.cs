using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PatternSync.Core.Embeddings;
using Qdrant.Client;
using Qdrant.Client.Grpc;

namespace PatternSync.Core.VectorIndex.Qdrant;

/// <summary>
/// The collections behind the alias (<see cref="QdrantOptions.Alias"/>) and their lifecycle. Each collection is named
/// for the model and vector size it holds, so a model change is a rebuild into a new collection and an alias switch,
/// never a mix of vectors. One instance per host: <see cref="QdrantPatternIndex"/> asks it where to read and write.
/// </summary>
public sealed partial class QdrantCollections(
    QdrantClient client, IOptions<QdrantOptions> options, EmbeddingModel model, ILogger<QdrantCollections> logger)
{
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

    /// <summary>The alias every reader and writer uses.</summary>
    public string Alias => _options.Alias;

    /// <summary>While a rebuild runs, this alias names the collection being built; writers write to it too.</summary>
    public string BuildingAlias => Alias + "-building";

    /// <summary>Where this host reads, and every collection it writes each change to.</summary>
    internal sealed record Routes(string Read, IReadOnlyList<string> Writes);

    /// <summary>
    /// The live alias, plus the building alias while a rebuild for this embedder runs (looked up every <see cref="RoutesRefresh"/>).
    /// A rebuild for another model gets none of this host's vectors; its catch-up brings them across after the switch.
    /// </summary>
    internal async Task<Routes> RoutesAsync(CancellationToken cancellationToken)
    {
        if (_routes is { } routes && DateTime.UtcNow - _routesCheckedAt < RoutesRefresh) return routes;
        await _routesLock.WaitAsync(cancellationToken);
        try
        {
            if (_routes is { } fresh && DateTime.UtcNow - _routesCheckedAt < RoutesRefresh) return fresh;
            _routes = await LookUpRoutesAsync(cancellationToken);
            _routesCheckedAt = DateTime.UtcNow;
            return _routes;
        }
        finally
        {
            _routesLock.Release();
        }
    }

    private async Task<Routes> LookUpRoutesAsync(CancellationToken cancellationToken)
    {
        var aliases = await client.ListAliasesAsync(cancellationToken);
        var live = Target(aliases, Alias) ?? await CreateLiveCollectionAsync(cancellationToken);
        var building = Target(aliases, BuildingAlias);
        var liveMismatch = await MismatchAsync(live, cancellationToken);
        var buildingFits = building is not null && await MismatchAsync(building, cancellationToken) is null;
        return (liveMismatch, buildingFits) switch
        {
            (null, true) => new Routes(Alias, [Alias, BuildingAlias]),
            (null, false) => new Routes(Alias, [Alias]),
            (_, true) => new Routes(BuildingAlias, [BuildingAlias]),
            _ => throw new VectorIndexMismatchException(liveMismatch),
        };
    }

    /// <summary>The alias matching searches; none while only the collection being built fits, which would silently miss patterns.</summary>
    internal async Task<string> SearchableAliasAsync(CancellationToken cancellationToken)
    {
        if ((await RoutesAsync(cancellationToken)).Read == BuildingAlias)
            throw new VectorIndexMismatchException(
                $"The collection for '{model.Name}' is still being built (alias '{BuildingAlias}'); "
                + "matching with this model starts at the switch.");
        return Alias;
    }

    /// <summary>Looks the aliases up now instead of waiting out <see cref="RoutesRefresh"/>; throws the mismatch it moved to.</summary>
    internal async Task LookAgainAsync(CancellationToken cancellationToken)
    {
        LookAgain();
        await RoutesAsync(cancellationToken);
    }

    /// <summary>The next call looks the aliases up again instead of waiting out <see cref="RoutesRefresh"/>.</summary>
    private void LookAgain() => _routesCheckedAt = DateTime.MinValue;

    /// <summary>The collections the live and the building alias name (null where there is no such alias).</summary>
    internal async Task<(string? Live, string? Building)> TargetsAsync(CancellationToken cancellationToken = default)
    {
        var aliases = await client.ListAliasesAsync(cancellationToken);
        return (Target(aliases, Alias), Target(aliases, BuildingAlias));
    }

    /// <summary>The collection a rebuild is building, or null when none is.</summary>
    public async Task<string?> BuildingCollectionAsync(CancellationToken cancellationToken = default) =>
        (await TargetsAsync(cancellationToken)).Building;

    /// <summary>The collection an alias names, or null when there is no such alias.</summary>
    private static string? Target(IEnumerable<AliasDescription> aliases, string alias) =>
        aliases.FirstOrDefault(a => a.AliasName == alias)?.CollectionName;

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
        await client.CreateCollectionAsync(QdrantCollectionSettings.For(name, model.Dimensions, _options), cancellationToken);
        foreach (var (field, type) in QdrantPayloads.Indexes)
            await client.CreatePayloadIndexAsync(name, field, type, cancellationToken: cancellationToken);
        return name;
    }

    /// <returns>Why <paramref name="collection"/> cannot hold this embedder's vectors, or null when it can.</returns>
    private async Task<string?> MismatchAsync(string collection, CancellationToken cancellationToken)
    {
        // A collection's vector size never changes, and its name carries its creation time: ask once per collection.
        if (_mismatches.TryGetValue(collection, out var known)) return known;
        var info = await client.GetCollectionInfoAsync(collection, cancellationToken);
        var size = (int)info.Config.Params.VectorsConfig.Params.Size;
        var heldModel = QdrantCollectionNames.ModelOf(collection, Alias);
        var sameModel = heldModel is null || heldModel == QdrantCollectionNames.Slug(model.Name);
        return _mismatches[collection] = size == model.Dimensions && sameModel
            ? null
            : $"The Qdrant collection '{collection}' behind '{Alias}' holds {size}-dimensional vectors " +
              $"of model '{heldModel ?? "unknown"}', but the configured embedder '{model.Name}' makes " +
              $"{model.Dimensions}-dimensional ones. Rebuild the index (reindex) for the new model.";
    }

    [LoggerMessage(LogLevel.Information, "Created Qdrant collection {Collection} behind alias {Alias}")]
    private partial void LogCreated(string collection, string alias);
}
