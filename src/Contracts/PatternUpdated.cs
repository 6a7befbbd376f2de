namespace PatternSync.Contracts;

/// <summary>A pattern's content or status changed.</summary>
public sealed record PatternUpdated : PatternEvent
{
    /// <summary>The snake_case names of the fields the change touched.</summary>
    public required IReadOnlyList<string> ChangedFields { get; init; }
}
