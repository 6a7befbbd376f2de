using PatternSync.Core.VectorIndex;

namespace PatternSync.Core.Filters;

/// <summary>The filter in memory: the embedded index's scan, and the check of a hit against the row it stands for.</summary>
public static class InMemoryPatternFilter
{
    public static bool Matches(this PatternFilter filter, PatternPayload pattern) =>
        (filter.PatternTypes.Count == 0 || filter.PatternTypes.Contains(pattern.PatternType))
        && (filter.Statuses.Count == 0 || filter.Statuses.Contains(pattern.Status))
        && (filter.Tags.Count == 0 || (filter.AllTags ? filter.Tags.All(pattern.Tags.Contains) : filter.Tags.Any(pattern.Tags.Contains)))
        && (filter.MinQualityScore is not { } quality || pattern.QualityScore >= quality)
        && (filter.MinSuccessRate is not { } success || pattern.SuccessRate >= success);
}
