using System.Text.Json.Nodes;

namespace PatternSync.PatternApi.Matching;

/// <summary>The seed's match response, snake_case on the wire.</summary>
public sealed record MatchResponse(IReadOnlyList<MatchedPattern> MatchedPatterns, int TotalMatches, QueryMetadata QueryMetadata);

public sealed record MatchedPattern(
    Guid PatternId,
    string PatternType,
    string Name,
    string Description,
    double ConfidenceScore,
    MatchedPatternMetadata Metadata,
    IReadOnlyList<string> Recommendations);

public sealed record MatchedPatternMetadata(int Version, JsonNode? QualityMetrics, double? SuccessRate, int MatchCount);

public sealed record QueryMetadata(long QueryTimeMs, string EmbeddingModel);
