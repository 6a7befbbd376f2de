namespace PatternSync.Core.Patterns;

/// <summary>What a producer reports about one use of a pattern; the match it answers is optional.</summary>
public sealed record OutcomeReport(bool Success, Guid? MatchId = null, string? Notes = null)
{
    public const int MaxNotesLength = 2000;
}

/// <summary>
/// One reported use of a pattern, kept as its own row beside the pattern's counters, so that ranking can later
/// weigh outcomes by age and by the match they answer. Written only by <see cref="SuccessPattern.RecordOutcome"/>.
/// </summary>
public sealed class PatternOutcome
{
    /// <summary>Identity: per pattern, the order outcomes were recorded in (the pattern's row lock serialises them).</summary>
    public long Id { get; set; }
    public Guid PatternId { get; set; }
    public bool Success { get; set; }
    public Guid? MatchId { get; set; }
    public string? Notes { get; set; }
    public DateTimeOffset RecordedAt { get; set; }
    /// <summary>The API key's prefix that reported it; null when keys are off.</summary>
    public string? Caller { get; set; }
    /// <summary>The query embedding of the match it answers (copied from its record), null when none is known.</summary>
    public float[]? QueryEmbedding { get; set; }
    /// <summary>The model key of <see cref="QueryEmbedding"/>: only vectors of the current model are compared.</summary>
    public string? EmbeddingModel { get; set; }
}
