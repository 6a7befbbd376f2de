namespace PatternSync.Contracts;

/// <summary>
/// What every pattern event carries. Events are notifications: a consumer that needs the whole
/// pattern reads it by <see cref="PatternId"/>; <see cref="Version"/> orders the changes of one pattern.
/// Serialized with snake_case names (pattern_id, occurred_at, schema_version...).
/// </summary>
public abstract record PatternEvent
{
    /// <summary>The version of the event's shape; consumers refuse versions they do not know.</summary>
    public const int CurrentSchemaVersion = 1;

    public required Guid PatternId { get; init; }
    /// <summary>The pattern's version after the change (for a deletion: the version the deletion made).</summary>
    public required int Version { get; init; }
    public required string PatternType { get; init; }
    public required string Name { get; init; }
    public required IReadOnlyList<string> Tags { get; init; }
    public required string Status { get; init; }
    public required DateTimeOffset OccurredAt { get; init; }
    public int SchemaVersion { get; init; } = CurrentSchemaVersion;
}
