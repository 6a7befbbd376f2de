namespace PatternSync.Contracts;

/// <summary>A command from the API to the sync workers: rebuild the vector index from PostgreSQL (one worker runs it).</summary>
public sealed record ReindexRequested
{
    public required DateTimeOffset RequestedAt { get; init; }
}
