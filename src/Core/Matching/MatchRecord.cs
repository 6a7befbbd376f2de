namespace PatternSync.Core.Matching;

/// <summary>
/// What a match answered, kept for <c>Matching:RecordRetention</c> so that an outcome naming its <see cref="MatchId"/> can be
/// checked (the pattern must be one the match returned) and weighed by how close its query is to a later one.
/// </summary>
public sealed class MatchRecord
{
    public Guid MatchId { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    /// <summary>The model key (<c>name/dimensions</c>) the query embedding comes from; other models' vectors are not comparable.</summary>
    public required string EmbeddingModel { get; set; }
    public required float[] QueryEmbedding { get; set; }
    /// <summary>The request's <c>filters</c> object as JSON; null when it had none.</summary>
    public string? Filters { get; set; }
    /// <summary><c>learned</c> or <c>similarity</c>, with <c>+explore</c> when the works estimate was sampled.</summary>
    public required string Ranking { get; set; }
    /// <summary>The returned patterns in rank order, with their similarity and rank score at the same positions.</summary>
    public required Guid[] PatternIds { get; set; }
    public required float[] Similarities { get; set; }
    public required float[] RankScores { get; set; }
}
