using System.Text.Json.Nodes;
using PatternSync.Core.Patterns;

namespace PatternSync.PatternApi.Patterns;

/// <summary>
/// The writable part of a pattern, validated: the body of <c>POST /api/v1/patterns</c>, and what a
/// <c>PATCH</c> merge patch is applied to. <see cref="Context"/> is only hashed, never stored.
/// </summary>
public sealed record PatternDocument(
    string PatternType,
    string Name,
    string Description,
    JsonObject? Context,
    JsonObject ExecutionTrace,
    JsonObject SuccessCriteria,
    JsonObject QualityMetrics,
    JsonObject PerformanceData,
    IReadOnlyList<string> Tags,
    string Status)
{
    public static readonly IReadOnlyList<string> WritableFields =
    [
        "pattern_type", "name", "description", "context", "execution_trace", "success_criteria",
        "quality_metrics", "performance_data", "tags", "status",
    ];

    /// <summary>The stored pattern as the document a merge patch applies to (context is not stored, so absent).</summary>
    public static JsonObject ToJson(SuccessPattern pattern) => new()
    {
        ["pattern_type"] = pattern.PatternType,
        ["name"] = pattern.Name,
        ["description"] = pattern.Description,
        ["execution_trace"] = JsonNode.Parse(pattern.ExecutionTrace),
        ["success_criteria"] = JsonNode.Parse(pattern.SuccessCriteria),
        ["quality_metrics"] = JsonNode.Parse(pattern.QualityMetrics),
        ["performance_data"] = JsonNode.Parse(pattern.PerformanceData),
        ["tags"] = new JsonArray(pattern.Tags.Select(tag => (JsonNode?)tag).ToArray()),
        ["status"] = pattern.Status,
    };

    public SuccessPattern ToNewPattern(Guid patternId, DateTimeOffset now)
    {
        var pattern = new SuccessPattern
        {
            PatternId = patternId, PatternType = PatternType, Name = Name, Description = Description,
            ContextHash = ContextHash.Compute(Context ?? new JsonObject()),
            ExecutionTrace = "{}", SuccessCriteria = "{}", QualityMetrics = "{}", PerformanceData = "{}",
            Tags = [], Status = Status, ContentHash = "", Version = 1, CreatedAt = now, UpdatedAt = now,
        };
        ApplyTo(pattern);
        return pattern;
    }

    /// <summary>Writes this document onto <paramref name="pattern"/> and returns the fields that changed.</summary>
    public IReadOnlyList<string> ApplyTo(SuccessPattern pattern)
    {
        var changed = new List<string>();
        void Set<T>(string field, T current, T next, Action<T> assign, IEqualityComparer<T>? comparer = null)
        {
            if ((comparer ?? EqualityComparer<T>.Default).Equals(current, next)) return;
            assign(next);
            changed.Add(field);
        }

        Set("pattern_type", pattern.PatternType, PatternType, v => pattern.PatternType = v);
        Set("name", pattern.Name, Name, v => pattern.Name = v);
        Set("description", pattern.Description, Description, v => pattern.Description = v);
        if (Context is not null)
            Set("context", pattern.ContextHash, ContextHash.Compute(Context), v => pattern.ContextHash = v);
        Set("execution_trace", pattern.ExecutionTrace, ExecutionTrace.ToJsonString(),
            v => pattern.ExecutionTrace = v, JsonTextComparer.Instance);
        Set("success_criteria", pattern.SuccessCriteria, SuccessCriteria.ToJsonString(),
            v => pattern.SuccessCriteria = v, JsonTextComparer.Instance);
        Set("quality_metrics", pattern.QualityMetrics, QualityMetrics.ToJsonString(),
            v => pattern.QualityMetrics = v, JsonTextComparer.Instance);
        Set("performance_data", pattern.PerformanceData, PerformanceData.ToJsonString(),
            v => pattern.PerformanceData = v, JsonTextComparer.Instance);
        Set("tags", pattern.Tags, Tags.ToArray(), v => pattern.Tags = v, TagsComparer.Instance);
        Set("status", pattern.Status, Status, v => pattern.Status = v);

        pattern.RefreshDerivedFields();
        return changed;
    }

    private sealed class JsonTextComparer : IEqualityComparer<string>
    {
        public static readonly JsonTextComparer Instance = new();
        public bool Equals(string? x, string? y) => JsonNode.DeepEquals(Parse(x), Parse(y));
        public int GetHashCode(string obj) => 0;
        private static JsonNode? Parse(string? json) => json is null or "" ? null : JsonNode.Parse(json);
    }

    private sealed class TagsComparer : IEqualityComparer<string[]>
    {
        public static readonly TagsComparer Instance = new();
        public bool Equals(string[]? x, string[]? y) => (x ?? []).SequenceEqual(y ?? []);
        public int GetHashCode(string[] obj) => obj.Length;
    }
}
