using System.ComponentModel.DataAnnotations;

namespace PatternSync.PatternApi.Operations;

/// <summary>Section "SyncRequests": POST /api/v1/sync/reconcile and /reindex.</summary>
public sealed class SyncRequestOptions
{
    /// <summary>Longest a request waits for the bus to take its message; beyond it, 503 (the broker is down).</summary>
    [Range(typeof(TimeSpan), "00:00:00.1", "00:01:00")]
    public TimeSpan PublishTimeout { get; set; } = TimeSpan.FromSeconds(5);
    /// <summary>A request no worker started within this time stops blocking the next (no worker runs, or the message was lost).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan PickupTimeout { get; set; } = TimeSpan.FromSeconds(30);
    /// <summary>A reconciliation still "running" after this long is taken for one a crashed worker left behind.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "1.00:00:00")]
    public TimeSpan MaxRunTime { get; set; } = TimeSpan.FromHours(1);
}
