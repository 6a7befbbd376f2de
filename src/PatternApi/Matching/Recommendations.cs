using System.Globalization;
using System.Text.Json.Nodes;
using PatternSync.Core.Patterns;

namespace PatternSync.PatternApi.Matching;

/// <summary>
/// What to do, taken from what worked: the execution trace's steps in order, then the success
/// criterion to check the result against ("Success criterion: p99_latency_ms &lt; 50"). Nothing invented.
/// </summary>
public static class Recommendations
{
    public const int MaxSteps = 8;

    public static IReadOnlyList<string> From(string executionTrace, string successCriteria)
    {
        var recommendations = ExecutionTrace.Steps(JsonNode.Parse(executionTrace)).Take(MaxSteps).ToList();
        if (Criterion(JsonNode.Parse(successCriteria)) is { } criterion) recommendations.Add(criterion);
        return recommendations;
    }

    private static string? Criterion(JsonNode? criteria)
    {
        if (criteria?["metric"] is not JsonValue metric || !metric.TryGetValue<string>(out var name)) return null;
        var op = criteria["operator"] is JsonValue o && o.TryGetValue<string>(out var text) ? text : null;
        var threshold = criteria["threshold"] switch
        {
            JsonValue v when v.TryGetValue<double>(out var number) => number.ToString(CultureInfo.InvariantCulture),
            JsonValue v when v.TryGetValue<string>(out var s) => s,
            _ => null,
        };
        return op is null || threshold is null ? $"Success criterion: {name}" : $"Success criterion: {name} {op} {threshold}";
    }
}
