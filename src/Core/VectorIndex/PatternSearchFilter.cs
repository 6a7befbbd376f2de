namespace PatternSync.Core.VectorIndex;

/// <summary>
/// The seed's <c>PatternSearchFilters.build_filter</c>: any of <see cref="PatternTypes"/>, any of
/// <see cref="Statuses"/>, <see cref="Tags"/> (any of them by default, all of them with
/// <see cref="AllTags"/>), and lower bounds on quality score and success rate. Empty lists and
/// nulls do not filter. A pattern without a success rate fails a <see cref="MinSuccessRate"/>.
/// </summary>
public sealed record PatternSearchFilter
{
    public static readonly PatternSearchFilter None = new();

    public IReadOnlyList<string> PatternTypes { get; init; } = [];
    public IReadOnlyList<string> Statuses { get; init; } = [];
    public IReadOnlyList<string> Tags { get; init; } = [];
    public bool AllTags { get; init; }
    public double? MinQualityScore { get; init; }
    public double? MinSuccessRate { get; init; }
}
