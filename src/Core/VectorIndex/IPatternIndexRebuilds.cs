namespace PatternSync.Core.VectorIndex;

/// <summary>
/// How the index is rebuilt from PostgreSQL (after a change of settings or of embedding model): a build is begun,
/// the backfill writes every pattern into it, and completing it makes it the index readers use.
/// </summary>
public interface IPatternIndexRebuilds
{
    /// <summary>
    /// Begins a build. When it returns, every writer on this model writes each new change into the build too,
    /// so the backfill never has to catch up with the event stream.
    /// </summary>
    Task<IPatternIndexBuild> BeginAsync(CancellationToken cancellationToken);
}
