namespace PatternSync.Core.Filters;

/// <summary>
/// The one filter of match, listing and the index; empty lists and nulls do not filter, and a pattern without
/// a success rate fails <see cref="MinSuccessRate"/>. Read by <see cref="PatternFilterParser"/>; translated by
/// <see cref="InMemoryPatternFilter"/>, <see cref="SqlPatternFilter"/> and the Qdrant adapter's <c>QdrantFilters.Search</c>.
/// </summary>
public sealed record PatternFilter
{
    public static readonly PatternFilter None = new();

    public IReadOnlyList<string> PatternTypes { get; init; } = [];
    public IReadOnlyList<string> Statuses { get; init; } = [];
    public IReadOnlyList<string> Tags { get; init; } = [];
    public bool AllTags { get; init; }
    public double? MinQualityScore { get; init; }
    public double? MinSuccessRate { get; init; }
}
