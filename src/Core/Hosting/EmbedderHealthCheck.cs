using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace PatternSync.Core.Hosting;

/// <summary>Section "Health", beside the probes' own settings (PatternSync.ServiceDefaults.HealthOptions).</summary>
public sealed class EmbedderProbeOptions
{
    /// <summary>How often the embedder check runs the model; in between it repeats the last outcome.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan EmbedderProbeInterval { get; set; } = TimeSpan.FromMinutes(1);
}

/// <summary>
/// Ready only while the embedder makes a vector. The model runs at most once per
/// <see cref="EmbedderProbeOptions.EmbedderProbeInterval"/>, so probes do not become load (a paid call or a model pass);
/// a singleton, so the last outcome outlives the probe.
/// </summary>
public sealed class EmbedderHealthCheck(
    IEmbeddingGenerator<string, Embedding<float>> embedder, TimeProvider clock, IOptions<EmbedderProbeOptions> options)
    : IHealthCheck
{
    private volatile Outcome? _last;

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (_last is { } last && clock.GetUtcNow() - last.At < options.Value.EmbedderProbeInterval) return last.Result;
        var result = await ProbeAsync(context, cancellationToken);
        _last = new Outcome(result, clock.GetUtcNow());
        return result;
    }

    private async Task<HealthCheckResult> ProbeAsync(HealthCheckContext context, CancellationToken cancellationToken)
    {
        try
        {
            var embedding = await embedder.GenerateAsync("health check", cancellationToken: cancellationToken);
            return embedding.Vector.Length > 0
                ? HealthCheckResult.Healthy()
                : new HealthCheckResult(context.Registration.FailureStatus, "Empty embedding.");
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return new HealthCheckResult(context.Registration.FailureStatus, "The embedder does not answer.", e);
        }
    }

    private sealed record Outcome(HealthCheckResult Result, DateTimeOffset At);
}
