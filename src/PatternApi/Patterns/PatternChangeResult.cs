namespace PatternSync.PatternApi.Patterns;

/// <summary>What a <see cref="PatternChanges"/> call did, for its caller to map to a response.</summary>
public abstract record PatternChangeResult
{
    private PatternChangeResult() { }

    /// <summary>The pattern as written; <paramref name="Replayed"/> when an idempotency key answered it from an earlier write.</summary>
    public sealed record Written(PatternResponse Pattern, bool Replayed = false) : PatternChangeResult;

    public sealed record Deleted : PatternChangeResult;

    public sealed record NotFound(Guid PatternId) : PatternChangeResult;

    /// <summary>The caller expected another version than the row's <paramref name="CurrentVersion"/>.</summary>
    public sealed record VersionConflict(int CurrentVersion) : PatternChangeResult;

    /// <summary>The document is not a valid pattern; errors by JSON path.</summary>
    public sealed record Invalid(Dictionary<string, string[]> Errors) : PatternChangeResult;

    /// <summary>The outcome names a match that did not return its pattern.</summary>
    public sealed record NotInMatch(Guid MatchId, Guid PatternId) : PatternChangeResult;

    /// <summary>The idempotency key was used before with another request.</summary>
    public sealed record KeyReused(string Key) : PatternChangeResult;
}
