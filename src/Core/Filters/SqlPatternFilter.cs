using PatternSync.Core.Patterns;

namespace PatternSync.Core.Filters;

/// <summary>The filter in SQL, over the <c>success_patterns</c> rows through EF Core.</summary>
public static class SqlPatternFilter
{
    public static IQueryable<SuccessPattern> Matching(this IQueryable<SuccessPattern> patterns, PatternFilter filter)
    {
        if (filter.PatternTypes is { Count: > 0 } types) patterns = patterns.Where(p => types.Contains(p.PatternType));
        if (filter.Statuses is { Count: > 0 } statuses) patterns = patterns.Where(p => statuses.Contains(p.Status));
        if (filter.Tags is { Count: > 0 } tags)
            patterns = filter.AllTags
                ? patterns.Where(p => tags.All(t => p.Tags.Contains(t)))
                : patterns.Where(p => p.Tags.Any(t => tags.Contains(t)));
        if (filter.MinQualityScore is { } minQuality) patterns = patterns.Where(p => p.QualityScore >= minQuality);
        if (filter.MinSuccessRate is { } minSuccess) patterns = patterns.Where(p => p.SuccessRate >= minSuccess);
        return patterns;
    }
}
