namespace PatternSync.Core.Persistence;

/// <summary>Section "Database".</summary>
public sealed class DatabaseOptions
{
    /// <summary>Apply pending migrations when a host starts (local runs); production runs `migrate` as a deploy step.</summary>
    public bool MigrateOnStart { get; set; }
}
