using Microsoft.EntityFrameworkCore;
using Npgsql;
using PatternSync.Core.Observability;
using PatternSync.Core.Persistence;

namespace PatternSync.PatternApi.Operations;

/// <summary>One sample of the sync figures, for the status page's charts.</summary>
public sealed record SyncSample(DateTimeOffset At, double SyncLagSeconds, long OutboxBacklog, long PatternsNotIndexed,
    long PublishedLastMinute, int LastDrift);

/// <summary>
/// Samples the sync figures every <see cref="Interval"/> and keeps the last hour in memory, so the
/// status page can chart lag, backlog, throughput and drift without a metrics server.
/// </summary>
public sealed class SyncHistory(NpgsqlDataSource dataSource, IServiceScopeFactory scopes, TimeProvider clock, ILogger<SyncHistory> logger)
    : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);
    private static readonly int Capacity = (int)(TimeSpan.FromHours(1) / Interval);
    private readonly Queue<SyncSample> _samples = new();

    public IReadOnlyList<SyncSample> Samples
    {
        get { lock (_samples) return _samples.ToList(); }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, clock);
        do
        {
            try
            {
                await SampleAsync(stoppingToken);
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException)
            {
                logger.LogDebug(e, "Sync history sample skipped: the database does not answer");
            }
        } while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    private async Task SampleAsync(CancellationToken cancellationToken)
    {
        var status = await SyncStatus.ReadAsync(dataSource, cancellationToken);
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PatternDbContext>();
        var last = await db.ReconciliationRuns.AsNoTracking()
            .Where(r => r.FinishedAt != null)
            .OrderByDescending(r => r.Id)
            .FirstOrDefaultAsync(cancellationToken);
        var drift = last is null ? 0 : last.Missing + last.StaleVersion + last.StalePayload + last.Orphans + last.ModelMismatch;
        var sample = new SyncSample(clock.GetUtcNow(), status.SyncLagSeconds, status.OutboxBacklog, status.PatternsNotIndexed,
            status.PublishedLastMinute, drift);
        lock (_samples)
        {
            _samples.Enqueue(sample);
            while (_samples.Count > Capacity) _samples.Dequeue();
        }
    }
}
