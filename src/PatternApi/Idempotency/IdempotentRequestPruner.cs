using Microsoft.Extensions.Options;
using Npgsql;

namespace PatternSync.PatternApi.Idempotency;

/// <summary>Forgets Idempotency-Keys older than the retention, in short bounded deletes.</summary>
public sealed partial class IdempotentRequestPruner(
    NpgsqlDataSource dataSource, IOptions<IdempotencyOptions> options, TimeProvider clock, ILogger<IdempotentRequestPruner> logger) : BackgroundService
{
    private const int BatchSize = 1000;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await PruneAsync(stoppingToken);
            }
            catch (NpgsqlException e)
            {
                LogPruneFailed(e);
            }
            await Task.Delay(options.Value.PruneInterval, clock, stoppingToken);
        }
    }

    /// <returns>How many keys were forgotten.</returns>
    public async Task<int> PruneAsync(CancellationToken cancellationToken)
    {
        var cutoff = clock.GetUtcNow() - options.Value.Retention;
        int deleted, total = 0;
        do
        {
            await using var command = dataSource.CreateCommand("""
                DELETE FROM idempotent_requests WHERE ctid IN (
                    SELECT ctid FROM idempotent_requests WHERE created_at < @cutoff LIMIT @limit)
                """);
            command.Parameters.AddWithValue("cutoff", cutoff);
            command.Parameters.AddWithValue("limit", BatchSize);
            deleted = await command.ExecuteNonQueryAsync(cancellationToken);
            total += deleted;
        } while (deleted == BatchSize);
        return total;
    }

    [LoggerMessage(LogLevel.Warning, "Could not forget expired Idempotency-Keys; retrying at the next interval")]
    private partial void LogPruneFailed(Exception exception);
}
