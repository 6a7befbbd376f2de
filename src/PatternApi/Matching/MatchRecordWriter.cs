using Npgsql;
using NpgsqlTypes;
using PatternSync.Core.Matching;

namespace PatternSync.PatternApi.Matching;

/// <summary>
/// Writes the <see cref="MatchRecorder"/>'s queue in batches, one binary COPY each. A batch that fails is retried a few times,
/// then dropped and counted; on shutdown what is queued is written within <see cref="DrainTimeout"/>.
/// </summary>
public sealed partial class MatchRecordWriter(
    MatchRecorder recorder, NpgsqlDataSource dataSource, TimeProvider clock, ILogger<MatchRecordWriter> logger) : BackgroundService
{
    public const int BatchSize = 500;
    private const int MaxAttempts = 3;
    private static readonly TimeSpan RetryDelay = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Stopping ends the wait for new records; what is queued by then still has DrainTimeout to be written.
        using var writing = new CancellationTokenSource(Timeout.InfiniteTimeSpan, clock);
        await using var drain = stoppingToken.Register(() => writing.CancelAfter(DrainTimeout));
        try
        {
            while (await recorder.Queue.WaitToReadAsync(stoppingToken)) await WriteQueuedAsync(writing.Token);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        await WriteQueuedAsync(writing.Token);
    }

    /// <summary>Writes batches until the queue is empty.</summary>
    private async Task WriteQueuedAsync(CancellationToken cancellationToken)
    {
        var batch = new List<MatchRecord>(BatchSize);
        while (!cancellationToken.IsCancellationRequested)
        {
            batch.Clear();
            while (batch.Count < BatchSize && recorder.Queue.TryRead(out var record)) batch.Add(record);
            if (batch.Count == 0) return;
            recorder.Done(batch, await WriteWithRetriesAsync(batch, cancellationToken));
        }
    }

    /// <returns>Null when written; the reason it was dropped otherwise.</returns>
    private async Task<string?> WriteWithRetriesAsync(IReadOnlyList<MatchRecord> batch, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await CopyAsync(batch, cancellationToken);
                return null;
            }
            // Any failure: a record that cannot be written must not stop the host, only lose its context.
            catch (Exception e)
            {
                if (attempt == MaxAttempts || cancellationToken.IsCancellationRequested)
                {
                    LogDropped(e, batch.Count, attempt);
                    return "write_failed";
                }
                LogRetrying(e, batch.Count, attempt);
            }
            await Task.Delay(RetryDelay * attempt, clock, cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    private async Task CopyAsync(IReadOnlyList<MatchRecord> batch, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var copy = await connection.BeginBinaryImportAsync("""
            COPY match_records (match_id, created_at, embedding_model, query_embedding, filters, ranking, pattern_ids, similarities,
                rank_scores) FROM STDIN (FORMAT BINARY)
            """, cancellationToken);
        foreach (var record in batch)
        {
            await copy.StartRowAsync(cancellationToken);
            await copy.WriteAsync(record.MatchId, NpgsqlDbType.Uuid, cancellationToken);
            await copy.WriteAsync(record.CreatedAt, NpgsqlDbType.TimestampTz, cancellationToken);
            await copy.WriteAsync(record.EmbeddingModel, NpgsqlDbType.Varchar, cancellationToken);
            await copy.WriteAsync(record.QueryEmbedding, NpgsqlDbType.Array | NpgsqlDbType.Real, cancellationToken);
            if (record.Filters is null) await copy.WriteNullAsync(cancellationToken);
            else await copy.WriteAsync(record.Filters, NpgsqlDbType.Jsonb, cancellationToken);
            await copy.WriteAsync(record.Ranking, NpgsqlDbType.Varchar, cancellationToken);
            await copy.WriteAsync(record.PatternIds, NpgsqlDbType.Array | NpgsqlDbType.Uuid, cancellationToken);
            await copy.WriteAsync(record.Similarities, NpgsqlDbType.Array | NpgsqlDbType.Real, cancellationToken);
            await copy.WriteAsync(record.RankScores, NpgsqlDbType.Array | NpgsqlDbType.Real, cancellationToken);
        }
        await copy.CompleteAsync(cancellationToken);
    }

    [LoggerMessage(LogLevel.Warning, "Could not write {Count} match records (attempt {Attempt}); retrying")]
    private partial void LogRetrying(Exception exception, int count, int attempt);

    [LoggerMessage(LogLevel.Error, "Dropped {Count} match records after {Attempt} attempts; their outcomes will count pattern-wide")]
    private partial void LogDropped(Exception exception, int count, int attempt);
}
