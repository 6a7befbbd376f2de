using MassTransit;
using Microsoft.Extensions.Options;
using Npgsql;
using PatternSync.Core.Persistence;

namespace PatternSync.PatternApi.Operations;

/// <summary>What is already in flight: a description for the caller and since when.</summary>
public sealed record InFlightOperation(string Kind, string What, DateTimeOffset Since);

/// <summary>
/// Hands a reconcile or reindex to the bus, one at a time across API instances (the kind's sync_requests row lock).
/// What is in flight expires (MaxRunTime, PickupTimeout), so a crashed run or a lost request never blocks forever; it
/// publishes before it commits, so a request the broker never took leaves nothing behind.
/// </summary>
public sealed class SyncRequests(NpgsqlDataSource dataSource, IBus bus, IOptions<SyncRequestOptions> options)
{
    public const string Reconcile = "reconcile";
    public const string Reindex = "reindex";

    /// <returns>The operation in flight, or null when <paramref name="message"/> was published.</returns>
    /// <exception cref="TimeoutException">The bus did not take the message within PublishTimeout.</exception>
    public async Task<InFlightOperation?> RequestAsync<T>(string kind, T message, CancellationToken cancellationToken) where T : class
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var lockRow = Command(connection, """
            INSERT INTO sync_requests (kind, requested_at) VALUES (@kind, '-infinity') ON CONFLICT (kind) DO NOTHING;
            SELECT 1 FROM sync_requests WHERE kind = @kind FOR UPDATE
            """, kind))
            await lockRow.ExecuteNonQueryAsync(cancellationToken);

        if (await InFlightAsync(connection, kind, cancellationToken) is { } inFlight) return inFlight;

        await using (var stamp = Command(connection, "UPDATE sync_requests SET requested_at = now() WHERE kind = @kind", kind))
            await stamp.ExecuteNonQueryAsync(cancellationToken);
        using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            timeout.CancelAfter(options.Value.PublishTimeout);
            try
            {
                await bus.Publish(message, timeout.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new TimeoutException(
                    $"The message bus did not take the {kind} request within {options.Value.PublishTimeout.TotalSeconds:0.#} s.");
            }
        }
        await transaction.CommitAsync(cancellationToken);
        return null;
    }

    private async Task<InFlightOperation?> InFlightAsync(NpgsqlConnection connection, string kind, CancellationToken cancellationToken)
    {
        // Each query reads at most a few rows: reconciliation_runs through its started_at index, pg_locks is small.
        var sql = kind == Reconcile
            ? """
              (SELECT 'reconciliation run ' || id || ' is running', started_at FROM reconciliation_runs
                WHERE status = 'running' AND started_at > now() - @max_run ORDER BY started_at DESC LIMIT 1)
              UNION ALL
              SELECT 'a reconciliation was requested and has not started yet', r.requested_at FROM sync_requests r
               WHERE r.kind = @kind AND r.requested_at > now() - @pickup
                 AND NOT EXISTS (SELECT 1 FROM reconciliation_runs WHERE started_at >= r.requested_at)
              """
            : """
              SELECT 'an index rebuild is running', now() FROM pg_locks
               WHERE locktype = 'advisory' AND granted AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
                 AND classid::bigint = @lock_high AND objid::bigint = @lock_low AND objsubid = 1
              UNION ALL
              SELECT 'a reindex was requested ' || round(extract(epoch FROM now() - requested_at)) || ' s ago', requested_at
                FROM sync_requests
               WHERE kind = @kind AND requested_at > now() - @pickup
              """;
        await using var command = Command(connection, sql + " LIMIT 1", kind);
        command.Parameters.AddWithValue("max_run", options.Value.MaxRunTime);
        command.Parameters.AddWithValue("pickup", options.Value.PickupTimeout);
        command.Parameters.AddWithValue("lock_high", AdvisoryLocks.IndexRebuild >> 32);
        command.Parameters.AddWithValue("lock_low", AdvisoryLocks.IndexRebuild & uint.MaxValue);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken)
            ? new InFlightOperation(kind, reader.GetString(0), reader.GetFieldValue<DateTimeOffset>(1))
            : null;
    }

    private static NpgsqlCommand Command(NpgsqlConnection connection, string sql, string kind)
    {
        var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("kind", kind);
        return command;
    }
}
