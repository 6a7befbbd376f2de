using System.ComponentModel.DataAnnotations;

namespace PatternSync.SyncWorker.Reconciliation;

/// <summary>Section "Reconciliation".</summary>
public sealed class ReconciliationOptions
{
    /// <summary>How often a reconciliation runs (once across all workers: the job store is clustered).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "7.00:00:00")]
    public TimeSpan Interval { get; set; } = TimeSpan.FromMinutes(15);
    /// <summary>Delay of the first scheduled run after a worker starts.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan InitialDelay { get; set; } = TimeSpan.FromMinutes(1);
    /// <summary>A change younger than this that the index does not hold yet is in flight, not drift.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan GracePeriod { get; set; } = TimeSpan.FromMinutes(1);
    /// <summary>Rows and points read per page.</summary>
    [Range(10, 10_000)]
    public int PageSize { get; set; } = 1000;
    /// <summary>
    /// Patterns repaired (embedded) per synchronizer call; a failed batch is retried one pattern at a time,
    /// so a poison pattern costs a batch's worth of retries.
    /// </summary>
    [Range(1, 1000)]
    public int RepairBatchSize { get; set; } = 64;
    /// <summary>
    /// An index of another vector size or model (after a change of embedder) is rebuilt from PostgreSQL for
    /// the configured embedder, as <c>reindex</c> does; off, it is only reported and the run fails.
    /// </summary>
    public bool RebuildOnModelMismatch { get; set; } = true;
}
