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

    /// <summary>The same semantics in memory, for checking a hit against the row it stands for.</summary>
    public bool Matches(PatternPayload pattern) =>
        (PatternTypes.Count == 0 || PatternTypes.Contains(pattern.PatternType))
        && (Statuses.Count == 0 || Statuses.Contains(pattern.Status))
        && (Tags.Count == 0 || (AllTags ? Tags.All(pattern.Tags.Contains) : Tags.Any(pattern.Tags.Contains)))
        && (MinQualityScore is not { } quality || pattern.QualityScore >= quality)
        && (MinSuccessRate is not { } success || pattern.SuccessRate >= success);
}
