using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace PatternSync.Core.Persistence;

/// <summary>
/// Every <see cref="Interval"/>, deletes the rows of <see cref="Table"/> older than <see cref="Retention"/> in short batches
/// (<see cref="ExpiredRows"/>). A derived class names the table and reads the two durations from its options.
/// </summary>
public abstract partial class RetentionPruner(NpgsqlDataSource dataSource, TimeProvider clock, ILogger logger) : BackgroundService
{
    private const int BatchSize = 1000;

    /// <summary>The table, a constant of the derived class; rows expire by their <c>created_at</c>.</summary>
    protected abstract string Table { get; }
    protected abstract TimeSpan Retention { get; }
    protected abstract TimeSpan Interval { get; }

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
                LogPruneFailed(e, Table);
            }
            await Task.Delay(Interval, clock, stoppingToken);
        }
    }

    /// <returns>How many rows were deleted.</returns>
    public Task<int> PruneAsync(CancellationToken cancellationToken) =>
        ExpiredRows.DeleteAsync(dataSource, Table, "created_at", clock.GetUtcNow() - Retention, BatchSize, cancellationToken);

    [LoggerMessage(LogLevel.Warning, "Could not delete the expired rows of {Table}; retrying at the next interval")]
    private partial void LogPruneFailed(Exception exception, string table);
}
