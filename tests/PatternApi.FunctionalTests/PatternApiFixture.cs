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
            .UseSettings(HostSettings.Services(Database.ConnectionString, $"test-{Guid.NewGuid():N}-"))
            .UseSetting("Database:MigrateOnStart", "false")
            // These tests look at the rows the write path leaves; the relay has its own tests.
            .UseSetting("Outbox:RelayEnabled", "false")
            .UseSetting("Auth:RequireApiKeys", RequireApiKeys.ToString())
            .UseSetting("RateLimits:WritesPerSecond", "1")
            .UseSetting("RateLimits:WriteBurst", RequireApiKeys ? "3" : "100000")
            // Every test client has the same (no) address: the wrong keys the tests send on purpose add up.
            .UseSetting("RateLimits:FailedAuthenticationsPerMinute", "100000")
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

public static class PatternRequests
{
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
