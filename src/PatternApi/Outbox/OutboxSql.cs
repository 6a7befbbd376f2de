using Npgsql;

namespace PatternSync.PatternApi.Outbox;

/// <summary>The relay's SQL over <c>outbox_messages</c>, inside the caller's transaction.</summary>
public static class OutboxSql
{
    /// <summary>
    /// Locks up to <paramref name="limit"/> publishable rows (SKIP LOCKED, so relays share the table): a row waits while an
    /// older unsent row of its pattern exists, so version N+1 never overtakes N; dead letters neither count nor wait.
    /// <paramref name="ignoreBackoff"/> claims rows still waiting for their next attempt too.
    /// </summary>
    public static async Task<List<OutboxRow>> ClaimAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, int limit,
        bool ignoreBackoff, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("""
            SELECT o.id, o.message_id, o.message_type, o.payload::text, o.pattern_id, o.pattern_version, o.attempts, o.trace_parent
            FROM outbox_messages o
            WHERE o.sent_at IS NULL AND o.dead_lettered_at IS NULL
              AND (@ignoreBackoff OR o.next_attempt_at IS NULL OR o.next_attempt_at <= now())
              AND NOT EXISTS (SELECT 1 FROM outbox_messages earlier
                              WHERE earlier.pattern_id = o.pattern_id AND earlier.sent_at IS NULL AND earlier.dead_lettered_at IS NULL
                                AND earlier.id < o.id)
            ORDER BY o.id
            LIMIT @limit
            FOR UPDATE SKIP LOCKED
            """, connection, transaction);
        command.Parameters.AddWithValue("limit", limit);
        command.Parameters.AddWithValue("ignoreBackoff", ignoreBackoff);
        var rows = new List<OutboxRow>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
            rows.Add(new OutboxRow(reader.GetInt64(0), reader.GetGuid(1), reader.GetString(2), reader.GetString(3),
                reader.GetGuid(4), reader.GetInt32(5), reader.GetInt32(6), reader.IsDBNull(7) ? null : reader.GetString(7)));
        return rows;
    }

    public static async Task MarkSentAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, IReadOnlyList<long> ids,
        CancellationToken cancellationToken)
    {
        if (ids.Count == 0) return;
        await using var command = new NpgsqlCommand(
            "UPDATE outbox_messages SET sent_at = now(), attempts = attempts + 1, next_attempt_at = NULL WHERE id = ANY(@ids)",
            connection, transaction);
        command.Parameters.AddWithValue("ids", ids.ToArray());
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Records failed publishes; only a failure of the row itself counts as its attempt, and may make it a dead letter.</summary>
    public static async Task MarkFailedAsync(NpgsqlConnection connection, NpgsqlTransaction transaction,
        IReadOnlyList<OutboxFailure> failures, CancellationToken cancellationToken)
    {
        if (failures.Count == 0) return;
        await using var command = new NpgsqlCommand("""
            UPDATE outbox_messages o
            SET attempts = o.attempts + CASE WHEN f.row_at_fault THEN 1 ELSE 0 END, last_error = f.error,
                next_attempt_at = f.next_attempt_at,
                dead_lettered_at = CASE WHEN f.dead_letter THEN now() END
            FROM unnest(@ids, @errors, @next, @rowAtFault, @deadLetter) AS f(id, error, next_attempt_at, row_at_fault, dead_letter)
            WHERE o.id = f.id
            """, connection, transaction);
        command.Parameters.AddWithValue("ids", failures.Select(f => f.Id).ToArray());
        command.Parameters.AddWithValue("errors", failures.Select(f => f.Error.Length > 2000 ? f.Error[..2000] : f.Error).ToArray());
        command.Parameters.AddWithValue("next", failures.Select(f => f.NextAttemptAt).ToArray());
        command.Parameters.AddWithValue("rowAtFault", failures.Select(f => f.RowAtFault).ToArray());
        command.Parameters.AddWithValue("deadLetter", failures.Select(f => f.DeadLetter).ToArray());
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Makes every unsent row that waits for a retry due now; returns how many.</summary>
    public static async Task<int> RetryWaitingNowAsync(NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            "UPDATE outbox_messages SET next_attempt_at = NULL "
            + "WHERE sent_at IS NULL AND dead_lettered_at IS NULL AND next_attempt_at IS NOT NULL");
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
