using Microsoft.Extensions.Logging;
using Qdrant.Client.Grpc;

namespace PatternSync.Core.VectorIndex.Qdrant;

/// <summary>The alias operations of a rebuild: begin one behind the building alias, give it up, or switch readers over.</summary>
public sealed partial class QdrantCollections
{
    /// <summary>
    /// Starts a rebuild: a new, empty collection for the current model behind <see cref="BuildingAlias"/>, which every writer
    /// also writes to (within <see cref="RoutesRefresh"/>). The live collection may be of another model: that is what a rebuild replaces.
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

    /// <summary>
    /// Gives a failed rebuild up: the building alias goes, so writers stop writing into the collection and
    /// the next rebuild can start, and the half-built collection is dropped. Readers never used it; once the
    /// live alias points at it (the switch happened, a later step failed) it is left alone.
    /// </summary>
    public async Task AbandonRebuildAsync(string collection, CancellationToken cancellationToken = default)
    {
        var (live, building) = await TargetsAsync(cancellationToken);
        if (live == collection) return;
        if (building == collection) await client.DeleteAliasAsync(BuildingAlias, cancellationToken: cancellationToken);
        LookAgain();
        await client.DeleteCollectionAsync(collection, cancellationToken: cancellationToken);
    }

    /// <summary>
    /// Ends a rebuild: in one atomic alias operation, the live alias moves to the new collection and the
    /// building alias goes (readers never see the alias missing); then the old collection is dropped.
    /// </summary>
    public Task CompleteRebuildAsync(string collection, CancellationToken cancellationToken = default) =>
        SwitchAliasAsync(collection, dropPrevious: true, cancellationToken);

    /// <summary>Points the alias at <paramref name="collection"/> in one atomic operation (dropping the building alias too).</summary>
    public async Task SwitchAliasAsync(string collection, bool dropPrevious = false, CancellationToken cancellationToken = default)
    {
        var (previous, building) = await TargetsAsync(cancellationToken);
        var operations = new List<AliasOperations>();
        if (previous is not null) operations.Add(new AliasOperations { DeleteAlias = new DeleteAlias { AliasName = Alias } });
        operations.Add(new AliasOperations { CreateAlias = new CreateAlias { AliasName = Alias, CollectionName = collection } });
        if (building is not null) operations.Add(new AliasOperations { DeleteAlias = new DeleteAlias { AliasName = BuildingAlias } });
        await client.UpdateAliasesAsync(operations, cancellationToken: cancellationToken);
        LookAgain();
        LogSwitched(Alias, previous, collection);
        if (dropPrevious && previous is not null && previous != collection)
            await client.DeleteCollectionAsync(previous, cancellationToken: cancellationToken);
    }

    [LoggerMessage(LogLevel.Information, "Switched Qdrant alias {Alias} from {Previous} to {Collection}")]
    private partial void LogSwitched(string alias, string? previous, string collection);
}
