using System.ComponentModel.DataAnnotations;

namespace PatternSync.SyncWorker;

/// <summary>Section "Sync": how the worker consumes pattern events.</summary>
public sealed class SyncOptions
{
    /// <summary>Events per batch: one PostgreSQL read, one embedding call, one upsert per batch.</summary>
    [Range(1, 1000)]
    public int BatchSize { get; set; } = 64;
    /// <summary>How long a batch waits to fill once its first event arrived.</summary>
    public TimeSpan BatchTimeLimit { get; set; } = TimeSpan.FromMilliseconds(20);
    /// <summary>Batches of one event type in flight at once in this instance.</summary>
    [Range(1, 64)]
    public int ConcurrencyLimit { get; set; } = 2;
    /// <summary>
    /// Retries of a batch that failed for a reason of its own (not an outage), with exponential backoff; then
    /// the failing events go to the error queue.
    /// </summary>
    [Range(0, 20)]
    public int RetryLimit { get; set; } = 6;
    public TimeSpan RetryMinInterval { get; set; } = TimeSpan.FromMilliseconds(200);
    public TimeSpan RetryMaxInterval { get; set; } = TimeSpan.FromSeconds(15);
    /// <summary>
    /// While PostgreSQL, the index or the embedder does not answer, a batch is tried again with a backoff from
    /// <see cref="RetryMinInterval"/> up to this, for as long as the outage lasts; it bounds the wait after recovery.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:01:00")]
    public TimeSpan OutageRetryMaxInterval { get; set; } = TimeSpan.FromSeconds(2);
}
