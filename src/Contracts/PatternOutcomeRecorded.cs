namespace PatternSync.Contracts;

/// <summary>A producer reported how a pattern did; only its statistics changed.</summary>
public sealed record PatternOutcomeRecorded : PatternEvent
{
    public required bool Success { get; init; }
    public required int MatchCount { get; init; }
    public double? SuccessRate { get; init; }
    /// <summary>The match the outcome answers, when the producer named one.</summary>
    public Guid? MatchId { get; init; }
}
