namespace PatternSync.Core.Patterns;

public static class PatternStatus
{
    public const string Active = "active";
    public const string Deprecated = "deprecated";
    public const string Archived = "archived";

    public static readonly IReadOnlyList<string> All = [Active, Deprecated, Archived];

    public static bool IsKnown(string? value) => value is not null && All.Contains(value);
}
