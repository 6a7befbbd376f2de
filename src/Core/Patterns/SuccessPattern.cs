using System.Text.Json.Nodes;

namespace PatternSync.Core.Patterns;

/// <summary>
/// A success pattern: what worked, for which intent, how well. The row in PostgreSQL is the
/// source of truth; the vector index is derived from it.
/// </summary>
public sealed class SuccessPattern
{
    public Guid PatternId { get; set; }
    public required string PatternType { get; set; }
    public required string Name { get; set; }
    public required string Description { get; set; }
    /// <summary>SHA-256 (hex) of the canonical JSON of the submitted context; see <see cref="ContextHash"/>.</summary>
    public required string ContextHash { get; set; }
    // JSON documents are kept as their jsonb text: the API passes them through unchanged.
    public required string ExecutionTrace { get; set; }
    public required string SuccessCriteria { get; set; }
    public required string QualityMetrics { get; set; }
    public required string PerformanceData { get; set; }
    public required string[] Tags { get; set; }
    public required string Status { get; set; }
    /// <summary>Increments on every change, statistics included; the sync's version guard orders on it.</summary>
    public int Version { get; set; }
    /// <summary>Derived from <see cref="QualityMetrics"/> by <see cref="RefreshDerivedFields"/>.</summary>
    public double QualityScore { get; set; }
    /// <summary>Derived from the counts by <see cref="RecordOutcome"/>; null until the first outcome.</summary>
    public double? SuccessRate { get; set; }
    public int MatchCount { get; set; }
    public int SuccessCount { get; set; }
    public int FailureCount { get; set; }
    /// <summary>SHA-256 of the embedded text (<see cref="RefreshDerivedFields"/>); the worker re-embeds only when it changes.</summary>
    public required string ContentHash { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public DateTimeOffset? LastMatchedAt { get; set; }
    /// <summary>The version the vector index holds, written by the sync worker.</summary>
    public int? IndexedVersion { get; set; }
    public DateTimeOffset? IndexedAt { get; set; }

    /// <summary>Advances the change counter the sync's version guard orders on; every change, deletion included, calls it once.</summary>
    public void MarkChanged(DateTimeOffset now)
    {
        Version++;
        UpdatedAt = now;
    }

    /// <summary>Recomputes the fields derived from the written ones: the quality score and the content hash.</summary>
    public void RefreshDerivedFields()
    {
        QualityScore = Patterns.QualityScore.From(JsonNode.Parse(QualityMetrics) as JsonObject);
        ContentHash = PatternEmbeddingText.Hash(PatternEmbeddingText.Compose(this));
    }

    /// <summary>Counts one use of the pattern, recomputes its success rate and returns the outcome's row, to be saved with it.</summary>
    public PatternOutcome RecordOutcome(OutcomeReport report, string? caller, DateTimeOffset now)
    {
        MatchCount++;
        if (report.Success) SuccessCount++;
        else FailureCount++;
        SuccessRate = Math.Round((double)SuccessCount / (SuccessCount + FailureCount), 6);
        LastMatchedAt = now;
        return new PatternOutcome
        {
            PatternId = PatternId, Success = report.Success, MatchId = report.MatchId, Notes = report.Notes,
            RecordedAt = now, Caller = caller,
        };
    }
}
