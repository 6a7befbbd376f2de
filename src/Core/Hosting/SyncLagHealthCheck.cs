using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Npgsql;
using PatternSync.Core.Observability;

namespace PatternSync.Core.Hosting;

/// <summary>Section "SyncLag".</summary>
public sealed class SyncLagOptions
{
    /// <summary>Above this lag, readiness turns Degraded (the seed's health check uses 60 seconds).</summary>
    public TimeSpan Threshold { get; set; } = TimeSpan.FromSeconds(60);
}

/// <summary>Degraded while the index is further behind PostgreSQL than the threshold.</summary>
public sealed class SyncLagHealthCheck(NpgsqlDataSource dataSource, IOptions<SyncLagOptions> options) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var lag = await SyncStatus.ReadLagSecondsAsync(dataSource, cancellationToken);
        return lag <= options.Value.Threshold.TotalSeconds
            ? HealthCheckResult.Healthy($"lag {lag:F1} s")
            : new HealthCheckResult(context.Registration.FailureStatus,
                $"Sync lag {lag:F1} s is above {options.Value.Threshold.TotalSeconds} s.");
    }
}
