using Microsoft.Extensions.Options;
using Npgsql;
using PatternSync.Core.Persistence;

namespace PatternSync.PatternApi.Idempotency;

/// <summary>Forgets Idempotency-Keys older than the retention, in short bounded deletes.</summary>
public sealed partial class IdempotentRequestPruner(
    NpgsqlDataSource dataSource, IOptions<IdempotencyOptions> options, TimeProvider clock, ILogger<IdempotentRequestPruner> logger)
    : BackgroundService
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
    public Task<int> PruneAsync(CancellationToken cancellationToken) =>
        ExpiredRows.DeleteAsync(dataSource, "idempotent_requests", "created_at", clock.GetUtcNow() - options.Value.Retention,
            BatchSize, cancellationToken);

    [LoggerMessage(LogLevel.Warning, "Could not forget expired Idempotency-Keys; retrying at the next interval")]
    private partial void LogPruneFailed(Exception exception);
}
