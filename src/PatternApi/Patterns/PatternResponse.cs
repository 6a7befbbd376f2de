using System.Text.Json.Nodes;
using PatternSync.Core.Patterns;

namespace PatternSync.PatternApi.Patterns;

/// <summary>A pattern as the API returns it (snake_case on the wire).</summary>
public sealed record PatternResponse(
    Guid PatternId,
    string PatternType,
    string Name,
    string Description,
    string ContextHash,
    JsonNode? ExecutionTrace,
    JsonNode? SuccessCriteria,
    JsonNode? QualityMetrics,
    JsonNode? PerformanceData,
    IReadOnlyList<string> Tags,
    string Status,
    int Version,
    double QualityScore,
    double? SuccessRate,
    int MatchCount,
    int SuccessCount,
    int FailureCount,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    DateTimeOffset? LastMatchedAt,
    int? IndexedVersion,
    DateTimeOffset? IndexedAt)
{
    public static PatternResponse From(SuccessPattern p) => new(
        p.PatternId, p.PatternType, p.Name, p.Description, p.ContextHash,
        JsonNode.Parse(p.ExecutionTrace), JsonNode.Parse(p.SuccessCriteria), JsonNode.Parse(p.QualityMetrics),
        JsonNode.Parse(p.PerformanceData), p.Tags, p.Status, p.Version, p.QualityScore, p.SuccessRate,
        p.MatchCount, p.SuccessCount, p.FailureCount, p.CreatedAt, p.UpdatedAt, p.LastMatchedAt,
        p.IndexedVersion, p.IndexedAt);
}

/// <summary>One page of a listing; pass <see cref="NextCursor"/> as <c>cursor</c> for the next page.</summary>
public sealed record PatternPage(IReadOnlyList<PatternResponse> Items, string? NextCursor);
