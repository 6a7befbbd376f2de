using Npgsql;

namespace PatternSync.Core.Observability;

/// <summary>How far the index is behind PostgreSQL, read in one query.</summary>
public sealed record SyncStatus(long Patterns, long PatternsNotIndexed, long OutboxBacklog, double OutboxOldestUnsentAgeSeconds,
    double SyncLagSeconds, long PublishedLastMinute, long OutboxDeadLetters)
{
    /// <summary>
    /// Sync lag = the age of the oldest change the index does not hold yet: a row whose indexed_version
    /// is behind its version, or an outbox row not yet published (which also covers pending deletions,
    /// whose rows are gone). 0 when in sync. A dead letter is never published: it is counted apart, not as backlog.
    /// </summary>
    public static async Task<SyncStatus> ReadAsync(NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"""
            SELECT (SELECT count(*) FROM success_patterns),
                   (SELECT count(*) FROM success_patterns WHERE indexed_version IS DISTINCT FROM version),
                   (SELECT count(*) FROM outbox_messages WHERE sent_at IS NULL AND dead_lettered_at IS NULL),
                   {OldestUnsentAge}, {OldestNotIndexedAge},
                   (SELECT count(*) FROM outbox_messages WHERE sent_at > now() - interval '1 minute'),
                   (SELECT count(*) FROM outbox_messages WHERE sent_at IS NULL AND dead_lettered_at IS NOT NULL)
            """);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        var unsentAge = Math.Max(0, reader.GetDouble(3));
        var syncLag = Math.Max(unsentAge, Math.Max(0, reader.GetDouble(4)));
        return new SyncStatus(reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2), unsentAge, syncLag,
            reader.GetInt64(5), reader.GetInt64(6));
    }

    /// <summary>The sync lag alone, read through two partial indexes (a few index entries, no counts): what readiness asks for.</summary>
    public const string LagQuery = $"SELECT GREATEST(0, {OldestUnsentAge}, {OldestNotIndexedAge})";

    public static async Task<double> ReadLagSecondsAsync(NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(LagQuery);
        return (double)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    // Ids of unsent rows grow with their creation (ix_outbox_messages_unsent); the not-indexed rows have
    // their own partial index on updated_at (ix_success_patterns_not_indexed).
    private const string OldestUnsentAge = """
        COALESCE(EXTRACT(EPOCH FROM now() - (
            SELECT created_at FROM outbox_messages WHERE sent_at IS NULL AND dead_lettered_at IS NULL ORDER BY id LIMIT 1)), 0)::float8
        """;
    private const string OldestNotIndexedAge = """
        COALESCE(EXTRACT(EPOCH FROM now() - (
            SELECT updated_at FROM success_patterns WHERE indexed_version IS DISTINCT FROM version ORDER BY updated_at LIMIT 1)), 0)::float8
        """;
}
