namespace PatternSync.PatternApi.Ranking;

/// <summary>
/// One outcome as the estimator sees it: whether it worked, when, and the query embedding of the match it answered
/// (null when it named no known match, or one embedded by another model).
/// </summary>
public readonly record struct OutcomeEvidence(bool Success, DateTimeOffset RecordedAt, float[]? QueryEmbedding);
