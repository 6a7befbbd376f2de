using System.Text.Json.Nodes;

namespace PatternSync.Core.Patterns;

/// <summary>Reads the steps of an execution trace: <c>{"steps": ["...", {"action": "..."}]}</c>.</summary>
public static class ExecutionTrace
{
    private static readonly string[] StepTextFields = ["action", "description", "name"];

    public static IReadOnlyList<string> Steps(JsonNode? executionTrace)
    {
        if (executionTrace?["steps"] is not JsonArray steps) return [];
        var texts = new List<string>(steps.Count);
        foreach (var step in steps)
        {
            var text = step switch
            {
                JsonValue value when value.TryGetValue<string>(out var s) => s,
                JsonObject obj => StepTextFields
                    .Select(field => obj[field] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null)
                    .FirstOrDefault(s => s is not null),
                _ => null,
            };
            if (!string.IsNullOrWhiteSpace(text)) texts.Add(text.Trim());
        }
        return texts;
    }
}
