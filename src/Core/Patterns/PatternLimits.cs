namespace PatternSync.Core.Patterns;

/// <summary>What a pattern may hold; docs/api.md "Limits" lists the same numbers.</summary>
public static class PatternLimits
{
    public const int MinNameLength = 3;
    public const int MaxNameLength = 200;
    public const int MaxDescriptionLength = 4000;
    public const int MaxTags = 32;
    public const int MaxTagLength = 64;
    public const int MaxPatternTypeLength = 64;
    public const int MaxDocumentBytes = 64 * 1024;
    public const int MaxSteps = 100;
    public const int MaxStepLength = 2000;
    // \z, not $: $ also matches before a final line break, which would let "type\n" through.
    public const string PatternTypePattern = @"^[a-z][a-z0-9_]{1,63}\z";
    public const string TagPattern = @"^[a-z0-9][a-z0-9._:-]{0,63}\z";
}
