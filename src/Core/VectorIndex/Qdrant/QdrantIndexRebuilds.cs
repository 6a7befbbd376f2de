using Microsoft.Extensions.Logging;

namespace PatternSync.Core.VectorIndex.Qdrant;

/// <summary>
/// A rebuild in Qdrant fills a new collection behind the building alias while matching keeps reading the live one;
/// completing it is one atomic alias switch that drops the old collection.
/// </summary>
public sealed partial class QdrantIndexRebuilds(QdrantPatternIndex index, ILogger<QdrantIndexRebuilds> logger) : IPatternIndexRebuilds
{
    /// <summary>
    /// Under the rebuilder's lock no other rebuild runs, so a collection still being built is what a killed one left:
    /// it goes first. The wait lets every writer on this model notice the building alias.
    /// </summary>
    public async Task<IPatternIndexBuild> BeginAsync(CancellationToken cancellationToken)
    {
        if (await index.BuildingCollectionAsync(cancellationToken) is { } leftover)
        {
            LogLeftover(leftover);
            await index.AbandonRebuildAsync(leftover, cancellationToken);
        }
        var build = new Build(index, await index.BeginRebuildAsync(cancellationToken));
        try
        {
            await Task.Delay(QdrantPatternIndex.RoutesRefresh * 2, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            // Left behind, the new collection would take every writer's changes until the next rebuild.
            await build.AbandonAsync(CancellationToken.None);
            throw;
        }
        return build;
    }

    private sealed class Build(QdrantPatternIndex index, string collection) : IPatternIndexBuild
    {
        public string Name => collection;

        public Task WriteAsync(IReadOnlyCollection<PatternPoint> points, CancellationToken cancellationToken) =>
            index.UpsertIntoAsync(collection, points, cancellationToken);

        public Task CompleteAsync(CancellationToken cancellationToken) => index.CompleteRebuildAsync(collection, cancellationToken);

        public Task AbandonAsync(CancellationToken cancellationToken) => index.AbandonRebuildAsync(collection, cancellationToken);
    }

    [LoggerMessage(LogLevel.Warning, "Dropping {Collection}, left half-built by a rebuild that did not finish")]
    private partial void LogLeftover(string collection);
}
