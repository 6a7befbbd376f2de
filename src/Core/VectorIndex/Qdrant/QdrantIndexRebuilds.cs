using Microsoft.Extensions.Logging;
using Qdrant.Client;

namespace PatternSync.Core.VectorIndex.Qdrant;

/// <summary>
/// A rebuild in Qdrant fills a new collection behind the building alias while matching keeps reading the live one;
/// completing it is one atomic alias switch that drops the old collection.
/// </summary>
public sealed partial class QdrantIndexRebuilds(QdrantClient client, QdrantCollections collections, ILogger<QdrantIndexRebuilds> logger)
    : IPatternIndexRebuilds
{
    /// <summary>
    /// Under the rebuilder's lock no other rebuild runs, so a collection still being built is what a killed one left:
    /// it goes first. The wait lets every writer on this model notice the building alias.
    /// </summary>
    public async Task<IPatternIndexBuild> BeginAsync(CancellationToken cancellationToken)
    {
        if (await collections.BuildingCollectionAsync(cancellationToken) is { } leftover)
        {
            LogLeftover(leftover);
            await collections.AbandonRebuildAsync(leftover, cancellationToken);
        }
        var build = new Build(client, collections, await collections.BeginRebuildAsync(cancellationToken));
        try
        {
            await Task.Delay(QdrantCollections.RoutesRefresh * 2, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            // Left behind, the new collection would take every writer's changes until the next rebuild.
            await build.AbandonAsync(CancellationToken.None);
            throw;
        }
        return build;
    }

    private sealed class Build(QdrantClient client, QdrantCollections collections, string collection) : IPatternIndexBuild
    {
        public string Name => collection;

        public Task WriteAsync(IReadOnlyCollection<PatternPoint> points, CancellationToken cancellationToken) =>
            client.UpsertNewerAsync([collection], points, replaceSameVersion: false, cancellationToken);

        public Task CompleteAsync(CancellationToken cancellationToken) => collections.CompleteRebuildAsync(collection, cancellationToken);

        public Task AbandonAsync(CancellationToken cancellationToken) => collections.AbandonRebuildAsync(collection, cancellationToken);
    }

    [LoggerMessage(LogLevel.Warning, "Dropping {Collection}, left half-built by a rebuild that did not finish")]
    private partial void LogLeftover(string collection);
}
