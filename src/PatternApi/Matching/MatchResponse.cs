using System.Text.Json.Nodes;
using PatternSync.PatternApi.Retrieval;

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
/// Why a pattern ranks where it does: how retrieval found it (its cosine <c>similarity</c>, null when the vector index did
/// not return it; its <c>lexical</c> BM25 score and rank, null when the lexical index did not), the
/// <c>retrieval_score</c> they fuse into and <c>confidence_score</c> is calibrated from, the estimate that it works for
/// this query, the effective number of outcomes behind that estimate, and the order's key: retrieval score × estimate.
/// Under <c>ranking: similarity</c> nothing is estimated: those two fields are null and the rank score is the retrieval score.
/// </summary>
public sealed record ScoreDetails(
    double? Similarity, LexicalScore? Lexical, double RetrievalScore, double? SuccessEstimate, double? OutcomesConsidered,
    double RankScore);

public sealed record MatchedPatternMetadata(int Version, JsonNode? QualityMetrics, double? SuccessRate, int MatchCount);

public sealed record QueryMetadata(long QueryTimeMs, string EmbeddingModel);
