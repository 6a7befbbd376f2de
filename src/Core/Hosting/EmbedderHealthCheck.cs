using Microsoft.Extensions.AI;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace PatternSync.Core.Hosting;

/// <summary>Ready only while the embedder makes a vector (the seed's "embedding" health item).</summary>
public sealed class EmbedderHealthCheck(IEmbeddingGenerator<string, Embedding<float>> embedder) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var embedding = await embedder.GenerateAsync("health check", cancellationToken: cancellationToken);
            return embedding.Vector.Length > 0 ? HealthCheckResult.Healthy() : new HealthCheckResult(context.Registration.FailureStatus, "Empty embedding.");
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return new HealthCheckResult(context.Registration.FailureStatus, "The embedder does not answer.", e);
        }
    }
}
