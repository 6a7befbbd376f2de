namespace PatternSync.Core.VectorIndex;

/// <summary>One rebuild of the index, from <see cref="IPatternIndexRebuilds.BeginAsync"/> until it is completed or abandoned.</summary>
public interface IPatternIndexBuild
{
    /// <summary>What the build fills, for the logs: a new collection, or the live index rebuilt in place.</summary>
    string Name { get; }

    /// <summary>Writes a batch of the backfill, version-guarded like every write, so it never overwrites a newer change.</summary>
    Task WriteAsync(IReadOnlyCollection<PatternPoint> points, CancellationToken cancellationToken);

    /// <summary>Makes the build the index readers use.</summary>
    Task CompleteAsync(CancellationToken cancellationToken);

    /// <summary>Gives up a build that failed before it was completed; readers and writers keep the live index.</summary>
    Task AbandonAsync(CancellationToken cancellationToken);
}
