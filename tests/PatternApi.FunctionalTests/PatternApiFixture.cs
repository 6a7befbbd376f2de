using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using PatternSync.Core.Serialization;
using PatternSync.Testing;

namespace PatternApi.FunctionalTests;

/// <summary>The API in-process against a migrated database of its own on the real PostgreSQL.</summary>
public class PatternApiFixture : WebApplicationFactory<Program>, IAsyncLifetime
{
    public TestDatabase Database { get; private set; } = null!;

    public async Task InitializeAsync() => Database = await TestDatabase.CreateAsync("patternapi");

    protected override void ConfigureWebHost(IWebHostBuilder builder) =>
        builder.UseEnvironment("Testing")
            .UseSetting("ConnectionStrings:Patterns", Database.ConnectionString)
            .UseSetting("Database:MigrateOnStart", "false")
            // These tests look at the rows the write path leaves; the relay has its own tests.
            .UseSetting("Outbox:RelayEnabled", "false")
            .UseSetting("RabbitMq:Port", TestServices.RabbitMqPort.ToString())
            .UseSetting("RabbitMq:EntityPrefix", $"test-{Guid.NewGuid():N}-")
            .UseSetting("Auth:RequireApiKeys", RequireApiKeys.ToString())
            .UseSetting("Auth:WritesPerSecond", "1")
            .UseSetting("Auth:WriteBurst", RequireApiKeys ? "3" : "100000")
            // Every test client has the same (no) address: the wrong keys the tests send on purpose add up.
            .UseSetting("Auth:FailedAuthenticationsPerMinute", "100000")
            .UseSettings(Settings);

    /// <summary>Off for the tests of what endpoints do; on for the access-control tests.</summary>
    protected virtual bool RequireApiKeys => false;

    /// <summary>What a derived fixture configures beyond the above.</summary>
    protected virtual IReadOnlyDictionary<string, string> Settings => new Dictionary<string, string>();

    async Task IAsyncLifetime.DisposeAsync()
    {
        await DisposeAsync();
        await Database.DisposeAsync();
    }
}

internal static class WebHostBuilderSettings
{
    public static IWebHostBuilder UseSettings(this IWebHostBuilder builder, IReadOnlyDictionary<string, string> settings)
    {
        foreach (var (key, value) in settings) builder.UseSetting(key, value);
        return builder;
    }
}

public static class PatternRequests
{
    public static JsonObject Seed(string? name = null) => new()
    {
        ["pattern_type"] = "api_optimization",
        ["name"] = name ?? "Connection Pooling with Read Replicas",
        ["description"] = "Optimize database queries using connection pooling and read replicas",
        ["context"] = new JsonObject { ["intent"] = "optimize API performance", ["environment"] = "FastAPI + PostgreSQL" },
        ["execution_trace"] = new JsonObject
        {
            ["steps"] = new JsonArray("Configure connection pool (min=10, max=50)", "Setup read replicas (2 instances)", "Route read queries to replicas"),
        },
        ["success_criteria"] = new JsonObject { ["metric"] = "p99_latency_ms", ["threshold"] = 50, ["operator"] = "<" },
        ["quality_metrics"] = new JsonObject { ["accuracy"] = 0.95, ["latency_p99_ms"] = 45, ["reliability"] = 0.99 },
        ["performance_data"] = new JsonObject { ["avg_runtime_ms"] = 38, ["memory_mb"] = 128, ["cpu_usage_pct"] = 15 },
        ["tags"] = new JsonArray("postgresql", "optimization", "scaling", "replication"),
        ["status"] = "active",
    };

    public static async Task<JsonObject> CreateAsync(this HttpClient client, JsonObject body)
    {
        var response = await client.PostAsJsonAsync("/api/v1/patterns", body);
        Assert.Equal(System.Net.HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!;
    }

    public static HttpContent Json(JsonNode body, string mediaType = "application/json") =>
        new StringContent(body.ToJsonString(), System.Text.Encoding.UTF8, mediaType);

    public static async Task<JsonObject> ReadJsonAsync(this HttpResponseMessage response) =>
        JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();

    public static T? Deserialize<T>(string json) => JsonSerializer.Deserialize<T>(json, PatternJson.Options);
}
