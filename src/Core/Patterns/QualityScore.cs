using System.Text.Json.Nodes;

namespace PatternSync.Core.Patterns;

/// <summary>
/// The single definition of a pattern's quality score: the mean of the <see cref="RatioMetrics"/> found in
/// <c>quality_metrics</c>, 0 when none is; other metrics (latency_p99_ms...) do not score.
/// E.g. {"accuracy": 0.95, "latency_p99_ms": 45, "reliability": 0.99} scores 0.97.
/// </summary>
public static class QualityScore
{
    public static readonly IReadOnlyList<string> RatioMetrics =
        ["accuracy", "reliability", "availability", "precision", "recall", "coverage", "consistency"];

    public static double From(JsonObject? qualityMetrics)
    {
        if (qualityMetrics is null) return 0.0;
        var ratios = RatioMetrics
            .Select(name => qualityMetrics[name] is JsonValue value && value.TryGetValue<double>(out var ratio) ? ratio : (double?)null)
            .Where(ratio => ratio is >= 0.0 and <= 1.0)
            .Select(ratio => ratio!.Value)
            .ToList();
        return ratios.Count == 0 ? 0.0 : Math.Round(ratios.Average(), 6);
    }
}
