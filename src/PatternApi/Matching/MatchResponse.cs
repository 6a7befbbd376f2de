using System.Text.Json.Nodes;

namespace PatternSync.PatternApi.Matching;

/// <summary>
/// The seed's match response, snake_case on the wire, with the <c>match_id</c> an outcome names to say which match it answers.
/// </summary>
public sealed record MatchResponse(
    IReadOnlyList<MatchedPattern> MatchedPatterns, int TotalMatches, QueryMetadata QueryMetadata, Guid MatchId);

public sealed record MatchedPattern(
    Guid PatternId,
    string PatternType,
    string Name,
    string Description,
    double ConfidenceScore,
    MatchedPatternMetadata Metadata,
    IReadOnlyList<string> Recommendations,
    ScoreDetails ScoreDetails);

/// <summary>
/// Why a pattern ranks where it does: its fit (<c>similarity</c>, the same as <c>confidence_score</c>), the estimate that it
/// works for this query, the effective number of outcomes behind that estimate, and their product, the order's key.
/// Under <c>ranking: similarity</c> nothing is estimated: the two middle fields are null and the rank score is the similarity.
/// </summary>
public sealed record ScoreDetails(double Similarity, double? SuccessEstimate, double? OutcomesConsidered, double RankScore);

public sealed record MatchedPatternMetadata(int Version, JsonNode? QualityMetrics, double? SuccessRate, int MatchCount);

public sealed record QueryMetadata(long QueryTimeMs, string EmbeddingModel);
