namespace PatternSync.Core.Filters;

/// <summary>
/// The one filter of match, listing and the index: any of <see cref="PatternTypes"/>, any of <see cref="Statuses"/>,
/// <see cref="Tags"/> (any by default, all with <see cref="AllTags"/>), lower bounds on quality score and success rate.
/// Empty lists and nulls do not filter; a pattern without a success rate fails a <see cref="MinSuccessRate"/>.
/// Read by <see cref="PatternFilterParser"/>; translated by <see cref="InMemoryPatternFilter"/>,
/// <see cref="SqlPatternFilter"/> and the Qdrant adapter's <c>QdrantFilters.Search</c>.
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
