namespace PatternSync.Core.VectorIndex.Postgres;

/// <summary>
/// The embedded index rebuilds in place: the backfill re-embeds every pattern into the live table, replacing the point of
/// the same version, and there is nothing to switch or drop. Every writer already writes there.
/// </summary>
public sealed class PostgresIndexRebuilds(IPatternVectorIndex index) : IPatternIndexRebuilds
{
    public Task<IPatternIndexBuild> BeginAsync(CancellationToken cancellationToken) =>
        Task.FromResult<IPatternIndexBuild>(new InPlace(index));

    private sealed class InPlace(IPatternVectorIndex index) : IPatternIndexBuild
    {
        public string Name => "pattern_vectors (in place)";

        public Task WriteAsync(IReadOnlyCollection<PatternPoint> points, CancellationToken cancellationToken) =>
            index.UpsertAsync(points, replaceSameVersion: true, cancellationToken);

        public Task CompleteAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task AbandonAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
