using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;
using Prometheus;

namespace PatternSync.Core.Observability;

/// <summary>Sync lag and outbox gauges, read from PostgreSQL when Prometheus scrapes.</summary>
public static class SyncMetrics
{
    private static readonly Gauge Lag = Metrics.CreateGauge("pattern_sync_lag_seconds", "Time between PostgreSQL write and Qdrant update");
    private static readonly Gauge Backlog = Metrics.CreateGauge("pattern_outbox_backlog", "Outbox rows not yet published");
    private static readonly Gauge OldestUnsent = Metrics.CreateGauge("pattern_outbox_oldest_unsent_age_seconds",
        "Age of the oldest unpublished outbox row");
    private static readonly Gauge DeadLetters = Metrics.CreateGauge("pattern_outbox_dead_letters",
        "Outbox rows that will never be published (dead letters)");
    private static readonly Gauge NotIndexed = Metrics.CreateGauge("pattern_not_indexed",
        "Patterns whose current version the index does not hold");

    /// <summary>The gauges are read on each scrape once the host has started.</summary>
    public static IHostApplicationBuilder AddSyncMetrics(this IHostApplicationBuilder builder)
    {
        builder.Services.AddHostedService<ScrapeCallback>();
        return builder;
    }

    private sealed class ScrapeCallback(NpgsqlDataSource dataSource) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            RegisterScrapeCallback(dataSource);
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }

    private static void RegisterScrapeCallback(NpgsqlDataSource dataSource) =>
        Metrics.DefaultRegistry.AddBeforeCollectCallback(async cancellationToken =>
        {
            try
            {
                var status = await SyncStatus.ReadAsync(dataSource, cancellationToken);
                Lag.Set(status.SyncLagSeconds);
                Backlog.Set(status.OutboxBacklog);
                OldestUnsent.Set(status.OutboxOldestUnsentAgeSeconds);
                NotIndexed.Set(status.PatternsNotIndexed);
                DeadLetters.Set(status.OutboxDeadLetters);
            }
            catch (NpgsqlException)
            {
                // The database is down: keep the last values; the readiness probe reports the outage.
            }
        });
}
