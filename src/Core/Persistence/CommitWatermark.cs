using Npgsql;

namespace PatternSync.Core.Persistence;

/// <summary>
/// Which writing transactions a reader has seen the end of, from a PostgreSQL snapshot: every transaction
/// below <see cref="Xmax"/> except those in <see cref="InFlight"/> had committed or aborted. A row written by a
/// transaction not seen yet carries an xid that is either in flight then or not yet assigned (so at least
/// xmax), which is exactly what <see cref="NotSeenBefore"/> selects, however late the commit comes.
/// </summary>
internal sealed record CommitWatermark(long Xmax, long[] InFlight)
{
    public static readonly CommitWatermark Start = new(0, []);

    public static async Task<CommitWatermark> TakeAsync(NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("""
            SELECT pg_snapshot_xmax(s)::text::bigint, ARRAY(SELECT x::text::bigint FROM pg_snapshot_xip(s) AS x)
            FROM pg_current_snapshot() AS s
            """);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return new CommitWatermark(reader.GetInt64(0), reader.GetFieldValue<long[]>(1));
    }

    /// <summary>The condition on a writer-xid column; its parameters come from <see cref="AddParameters"/>.</summary>
    public static string NotSeenBefore(string xidColumn) => $"{xidColumn} >= @seen_xmax OR {xidColumn} = ANY(@seen_in_flight)";

    public void AddParameters(NpgsqlCommand command)
    {
        command.Parameters.AddWithValue("seen_xmax", Xmax);
        command.Parameters.AddWithValue("seen_in_flight", InFlight);
    }
}
