using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;
using PatternSync.PatternApi.Security;
using PatternSync.Testing;

namespace SyncPipeline.IntegrationTests;

/// <summary>
/// MCP tools spend the key's budgets as the REST endpoints do: a write tool the write rate, a read tool the read rate, and
/// REST and MCP writes of one key draw on one write budget.
/// </summary>
[Collection(PostgresPipeline.Name)]
public sealed class McpRateLimitTests(PostgresPipelineFixture pipeline)
{
    private const int WriteBurst = 3;

    [Fact]
    public async Task Creates_beyond_the_write_burst_are_a_tool_error_naming_the_write_rate_while_matches_still_answer()
    {
        await using var host = KeyedHost();
        var key = await CreateKeyAsync(host);
        await using var client = await McpTests.ConnectAsync(host, new() { [ApiKeyAuthenticationHandler.HeaderName] = key });

        var refused = await CreateUntilRefusedAsync(client, WriteBurst + 3);
        var match = await client.CallToolAsync("match_patterns", new Dictionary<string, object?> { ["intent"] = "rate-limited writes" });

        Assert.NotNull(refused);
        Assert.Contains("write rate", McpTests.Text(refused));
        Assert.Matches(@"retry after \d+ second", McpTests.Text(refused));
        Assert.True(match.IsError is not true, McpTests.Text(match));
    }

    [Fact]
    public async Task REST_and_MCP_writes_of_one_key_share_one_write_budget()
    {
        await using var host = KeyedHost();
        var key = await CreateKeyAsync(host);
        await using var client = await McpTests.ConnectAsync(host, new() { [ApiKeyAuthenticationHandler.HeaderName] = key });
        var rest = host.CreateClient();
        rest.DefaultRequestHeaders.Add(ApiKeyAuthenticationHandler.HeaderName, key);

        var restLimited = await PostUntilLimitedAsync(rest, WriteBurst + 3);
        // One token may come back in the second between the two sides; two may not.
        var mcpRefused = await CreateUntilRefusedAsync(client, 2);
        var restAfterMcp = await PostUntilLimitedAsync(rest, 2);

        Assert.True(restLimited, "REST writes beyond the burst get 429");
        Assert.NotNull(mcpRefused);
        Assert.True(restAfterMcp, "REST writes after the MCP writes still find the budget spent");
    }

    private WebApplicationFactory<Program> KeyedHost() => pipeline.Api.WithWebHostBuilder(builder => builder
        .UseSetting("Auth:RequireApiKeys", "true")
        .UseSetting("RateLimits:WritesPerSecond", "1")
        .UseSetting("RateLimits:WriteBurst", WriteBurst.ToString(System.Globalization.CultureInfo.InvariantCulture)));

    private static async Task<string> CreateKeyAsync(WebApplicationFactory<Program> host)
    {
        await using var scope = host.Services.CreateAsyncScope();
        var keys = scope.ServiceProvider.GetRequiredService<ApiKeyStore>();
        var (_, key) = await keys.CreateAsync($"mcp-rate-{Guid.NewGuid():N}", [Scopes.PatternsRead, Scopes.PatternsWrite],
            CancellationToken.None);
        return key;
    }

    /// <returns>The first refused create_pattern call within <paramref name="attempts"/>, or null if all were stored.</returns>
    private static async Task<CallToolResult?> CreateUntilRefusedAsync(McpClient client, int attempts)
    {
        for (var i = 0; i < attempts; i++)
        {
            var result = await client.CallToolAsync("create_pattern", Arguments($"MCP write {i}"));
            if (result.IsError is true) return result;
        }
        return null;
    }

    /// <returns>Whether a REST create within <paramref name="attempts"/> got 429.</returns>
    private static async Task<bool> PostUntilLimitedAsync(HttpClient rest, int attempts)
    {
        for (var i = 0; i < attempts; i++)
        {
            var response = await rest.PostAsJsonAsync("/api/v1/patterns", PatternBodies.Caching($"REST write {i}", "Rate-limited write."));
            if (response.StatusCode == HttpStatusCode.TooManyRequests) return true;
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        }
        return false;
    }

    private static Dictionary<string, object?> Arguments(string name) =>
        PatternBodies.Caching(name, $"{name}: a rate-limited write.").ToDictionary(p => p.Key, p => (object?)p.Value);
}
