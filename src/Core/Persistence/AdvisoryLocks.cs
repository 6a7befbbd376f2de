namespace PatternSync.Core.Persistence;

/// <summary>PostgreSQL advisory lock keys shared between the hosts.</summary>
public static class AdvisoryLocks
{
    /// <summary>Held by the worker for a whole index rebuild; the API reads it in pg_locks to tell a reindex is running.</summary>
    public const long IndexRebuild = 0x5061_7474_5379_6e63; // "PattSync"
}
