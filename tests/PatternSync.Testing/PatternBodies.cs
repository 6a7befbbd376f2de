using System.Text.Json.Nodes;

namespace PatternSync.Testing;

/// <summary>Bodies of a create request (POST /api/v1/patterns), for every test and benchmark that writes patterns.</summary>
public static class PatternBodies
{
    /// <summary>The API's example pattern with every field filled in.</summary>
    public static JsonObject Example(string? name = null) => new()
    {
        ["pattern_type"] = "api_optimization",
        ["name"] = name ?? "Connection Pooling with Read Replicas",
        ["description"] = "Optimize database queries using connection pooling and read replicas",
        ["context"] = new JsonObject { ["intent"] = "optimize API performance", ["environment"] = "FastAPI + PostgreSQL" },
        ["execution_trace"] = new JsonObject
        {
            ["steps"] = new JsonArray(
                "Configure connection pool (min=10, max=50)", "Setup read replicas (2 instances)", "Route read queries to replicas"),
        },
        ["success_criteria"] = new JsonObject { ["metric"] = "p99_latency_ms", ["threshold"] = 50, ["operator"] = "<" },
        ["quality_metrics"] = new JsonObject { ["accuracy"] = 0.95, ["latency_p99_ms"] = 45, ["reliability"] = 0.99 },
        ["performance_data"] = new JsonObject { ["avg_runtime_ms"] = 38, ["memory_mb"] = 128, ["cpu_usage_pct"] = 15 },
        ["tags"] = new JsonArray("postgresql", "optimization", "scaling", "replication"),
        ["status"] = "active",
    };

    /// <summary>A "caching" pattern with only the required fields, and the tags when given.</summary>
    public static JsonObject Caching(string name, string description, params string[] tags)
    {
        var body = new JsonObject { ["pattern_type"] = "caching", ["name"] = name, ["description"] = description };
        if (tags.Length > 0) body["tags"] = new JsonArray(tags.Select(t => (JsonNode?)t).ToArray());
        return body;
    }
}
