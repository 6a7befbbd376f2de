namespace PatternSync.Core.Reconciliation;

/// <summary>
/// The last reconcile or reindex the API handed to the bus, one row per kind: its row lock makes
/// concurrent requests on every API instance take turns, and its time says what is still waiting
/// for a worker.
/// </summary>
public sealed class SyncRequest
{
    /// <summary>"reconcile" or "reindex".</summary>
    public required string Kind { get; set; }
    public DateTimeOffset RequestedAt { get; set; }
}
