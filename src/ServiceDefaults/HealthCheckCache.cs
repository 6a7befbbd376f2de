using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace PatternSync.ServiceDefaults;

/// <summary>Section "Health".</summary>
public sealed class HealthOptions
{
    /// <summary>How long a readiness check's result is reused: probes more often than this cost nothing. 0 checks on every probe.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:05:00")]
    public TimeSpan CacheDuration { get; set; } = TimeSpan.FromSeconds(5);
    /// <summary>Longest one check may run before it counts as failed (a cached run is not cancelled by the probe that began it).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:05:00")]
    public TimeSpan CheckTimeout { get; set; } = TimeSpan.FromSeconds(10);
}

/// <summary>
/// Runs each readiness check at most once per <see cref="HealthOptions.CacheDuration"/>, whatever the
/// probe rate: probes that arrive while it runs, or within that time after, share its result.
/// </summary>
public sealed class HealthCheckCache(IServiceScopeFactory scopes, TimeProvider clock, IOptions<HealthOptions> options)
{
    private readonly Dictionary<string, Task<(HealthCheckResult Result, DateTimeOffset FinishedAt)>> _runs = [];

    private async Task<HealthCheckResult> CheckAsync(
        HealthCheckContext context, Func<IServiceProvider, IHealthCheck> factory, CancellationToken cancellationToken)
    {
        Task<(HealthCheckResult Result, DateTimeOffset FinishedAt)> run;
        lock (_runs)
        {
            // A run still going is shared; a finished one is reused until its result is CacheDuration old.
            if (!_runs.TryGetValue(context.Registration.Name, out run!)
                || run.IsCompleted && clock.GetUtcNow() - run.Result.FinishedAt >= options.Value.CacheDuration)
                _runs[context.Registration.Name] = run = RunAsync(context, factory);
        }
        return (await run.WaitAsync(cancellationToken)).Result;
    }

    private async Task<(HealthCheckResult, DateTimeOffset)> RunAsync(
        HealthCheckContext context, Func<IServiceProvider, IHealthCheck> factory)
    {
        await Task.Yield(); // outside the lock
        // Its own scope and timeout: the run outlives the probe that started it when that probe gives up.
        await using var scope = scopes.CreateAsyncScope();
        using var timeout = new CancellationTokenSource(options.Value.CheckTimeout, clock);
        HealthCheckResult result;
        try
        {
            result = await factory(scope.ServiceProvider).CheckHealthAsync(context, timeout.Token);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            result = new HealthCheckResult(context.Registration.FailureStatus,
                $"No answer within {options.Value.CheckTimeout.TotalSeconds:0.#} s.");
        }
        catch (Exception e)
        {
            result = new HealthCheckResult(context.Registration.FailureStatus, e.Message, e);
        }
        return (result, clock.GetUtcNow());
    }

    internal sealed class Cached(HealthCheckCache cache, Func<IServiceProvider, IHealthCheck> inner) : IHealthCheck
    {
        public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
            cache.CheckAsync(context, inner, cancellationToken);
    }
}

public static class HealthCheckCacheExtensions
{
    public static IHostApplicationBuilder AddHealthCheckCache(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<HealthOptions>().BindConfiguration("Health").ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<HealthCheckCache>();
        // After every host has added its checks: wrap each readiness check's factory.
        builder.Services.PostConfigure<HealthCheckServiceOptions>(health =>
        {
            foreach (var registration in health.Registrations.Where(r => r.Tags.Contains(HealthTags.Ready)))
            {
                var inner = registration.Factory;
                registration.Factory = services => new HealthCheckCache.Cached(services.GetRequiredService<HealthCheckCache>(), inner);
            }
        });
        return builder;
    }
}
