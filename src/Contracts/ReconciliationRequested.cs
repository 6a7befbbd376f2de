namespace PatternSync.Contracts;

/// <summary>A command from the API to the sync workers: run a reconciliation now (one worker runs it).</summary>
public sealed record ReconciliationRequested
{
    public required DateTimeOffset RequestedAt { get; init; }
}
