namespace PatternSync.Core.Persistence;

public static class PostgresClock
{
    /// <summary>
    /// Now, at PostgreSQL's timestamp precision (microseconds), so what a handler returns equals what
    /// a later read returns, and cursors and ETags built from either agree.
    /// </summary>
    public static DateTimeOffset GetUtcNowForPostgres(this TimeProvider clock)
    {
        var now = clock.GetUtcNow();
        return now.AddTicks(-(now.Ticks % (TimeSpan.TicksPerMillisecond / 1000)));
    }
}
