using Microsoft.Extensions.Diagnostics.HealthChecks;
using PatternSync.Core.VectorIndex;

namespace PatternSync.Core.Hosting;

/// <summary>Ready only while the vector index answers.</summary>
public sealed class VectorIndexHealthCheck(IPatternVectorIndex index) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var info = await index.GetInfoAsync(cancellationToken);
            return HealthCheckResult.Healthy($"{info.Collection}: {info.PointsCount} points");
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return new HealthCheckResult(context.Registration.FailureStatus, "The vector index does not answer.", e);
        }
    }
}
