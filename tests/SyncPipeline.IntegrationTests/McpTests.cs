using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;
using PatternSync.PatternApi.Security;
using PatternSync.Testing;

namespace SyncPipeline.IntegrationTests;

/// <summary>
/// The MCP server at /mcp, driven by the SDK's own client over streamable HTTP against the pipeline's API host: the tools call
/// the REST handlers' services, so an agent's match, outcome and pattern are the ones REST sees.
/// </summary>
[Collection(PostgresPipeline.Name)]
public sealed class McpTests(PostgresPipelineFixture pipeline)
{
    private const string Intent = "retry calls to a flaky payment provider without charging the customer twice";
    private readonly HttpClient _rest = pipeline.Api.CreateClient();

    [Fact]
    public async Task The_tool_list_names_the_five_tools_with_truthful_annotations_and_snake_case_schemas()
    {
        await using var client = await ConnectAsync(pipeline.Api);

        var tools = (await client.ListToolsAsync()).ToDictionary(t => t.Name, t => t.ProtocolTool);

        Assert.Equal(["create_pattern", "get_pattern", "list_patterns", "match_patterns", "record_outcome"], tools.Keys.Order());
        Assert.Equal("PatternSync", client.ServerInfo?.Name);
        Assert.Contains("match_id", client.ServerInstructions ?? "");
        foreach (var read in new[] { "match_patterns", "get_pattern", "list_patterns" })
            Assert.True(tools[read].Annotations!.ReadOnlyHint, $"{read} is read-only");
        foreach (var write in new[] { "create_pattern", "record_outcome" })
        {
            Assert.False(tools[write].Annotations!.ReadOnlyHint, $"{write} writes");
            Assert.False(tools[write].Annotations!.DestructiveHint, $"{write} only adds");
            Assert.False(tools[write].Annotations!.IdempotentHint, $"{write} counts every call");
        }
        Assert.True(tools["get_pattern"].Annotations!.IdempotentHint);
        var matchArguments = tools["match_patterns"].InputSchema.GetProperty("properties");
        Assert.True(matchArguments.TryGetProperty("min_confidence", out _));
        Assert.Equal(["intent"], tools["match_patterns"].InputSchema.GetProperty("required").EnumerateArray().Select(e => e.GetString()));
        Assert.True(tools["match_patterns"].OutputSchema!.Value.GetProperty("properties").TryGetProperty("match_id", out _));
        Assert.True(tools["record_outcome"].OutputSchema!.Value.GetProperty("properties").TryGetProperty("success_count", out _));
    }

    [Fact]
    public async Task The_tool_reference_in_docs_lists_exactly_the_servers_tools_arguments_and_annotations()
    {
        await using var client = await ConnectAsync(pipeline.Api);
        var reference = await File.ReadAllTextAsync(Path.Combine(TestServices.RepositoryRoot, "docs", "mcp.md"));
        var sections = reference.Split("\n### ").Skip(1)
            .ToDictionary(s => s[..s.IndexOf('\n')].Trim('`'), s => s[(s.IndexOf('\n') + 1)..].Split("\n## ")[0]);

        var tools = (await client.ListToolsAsync()).Select(t => t.ProtocolTool).ToList();
        Assert.Equal(tools.Select(t => t.Name).Order(), sections.Keys.Order());
        foreach (var tool in tools)
        {
            var section = sections[tool.Name];
            var documented = Regex.Matches(section, @"^\| `([a-z_]+)` \|", RegexOptions.Multiline).Select(m => m.Groups[1].Value);
            var arguments = tool.InputSchema.GetProperty("properties").EnumerateObject().Select(p => p.Name);
            Assert.Equal(arguments.Order(), documented.Order());
            var annotations = tool.Annotations!;
            Assert.StartsWith(annotations.ReadOnlyHint == true ? "Read-only" : "Writes, adds only", section.Trim());
            Assert.Equal(annotations.IdempotentHint == true, !section.Contains("not idempotent"));
            Assert.Contains($"scope `{(annotations.ReadOnlyHint == true ? Scopes.PatternsRead : Scopes.PatternsWrite)}`", section);
        }
        var prompt = Assert.Single(await client.ListPromptsAsync());
        Assert.Contains($"`{prompt.Name}` (argument `{Assert.Single(prompt.ProtocolPrompt.Arguments!).Name}`)", reference);
    }

    [Fact]
    public async Task An_agent_creates_matches_and_reports_against_the_match_and_get_pattern_shows_the_outcome()
    {
        await using var client = await ConnectAsync(pipeline.Api);
        var tag = NewTag();
        var created = await CallAsync(client, "create_pattern", CreateArguments("Idempotent payment retries", tag));
        var id = created["pattern_id"]!.GetValue<Guid>();
        await pipeline.ConvergedAsync([id]);

        var match = await CallAsync(client, "match_patterns", MatchArguments(tag));
        Assert.Equal(id, match["matched_patterns"]![0]!["pattern_id"]!.GetValue<Guid>());
        var matchId = match["match_id"]!.GetValue<Guid>();
        var outcome = await CallAsync(client, "record_outcome", new Dictionary<string, object?>
        {
            ["pattern_id"] = id.ToString(), ["success"] = true, ["match_id"] = matchId.ToString(), ["notes"] = "no double charge",
        });
        Assert.Equal(1, outcome["success_count"]!.GetValue<int>());

        var pattern = await CallAsync(client, "get_pattern", new Dictionary<string, object?> { ["pattern_id"] = id.ToString() });
        Assert.Equal(1, pattern["success_count"]!.GetValue<int>());
        Assert.Equal(1, pattern["match_count"]!.GetValue<int>());
        var outcomes = await _rest.GetFromJsonAsync<JsonObject>($"/api/v1/patterns/{id}/outcomes");
        Assert.Equal(matchId, outcomes!["items"]![0]!["match_id"]!.GetValue<Guid>());
    }

    [Fact]
    public async Task The_tool_and_REST_give_the_same_patterns_for_the_same_match_request()
    {
        await using var client = await ConnectAsync(pipeline.Api);
        var tag = NewTag();
        var ids = new List<Guid>();
        string[] names = ["Idempotency keys on payment calls", "Outbox for payment requests", "Exponential backoff with jitter"];
        foreach (var name in names)
            ids.Add((await CallAsync(client, "create_pattern", CreateArguments(name, tag)))["pattern_id"]!.GetValue<Guid>());
        await pipeline.ConvergedAsync(ids);

        var viaTool = await CallAsync(client, "match_patterns", MatchArguments(tag));
        var response = await _rest.PostAsJsonAsync("/api/v1/patterns/match", MatchArguments(tag));
        var viaRest = (await response.Content.ReadFromJsonAsync<JsonObject>())!;

        Assert.Equal(3, viaRest["matched_patterns"]!.AsArray().Count);
        Assert.Equal(PatternIds(viaRest), PatternIds(viaTool));
        Assert.NotEqual(viaRest["match_id"]!.GetValue<Guid>(), viaTool["match_id"]!.GetValue<Guid>());
    }

    [Theory]
    [InlineData("match_patterns", """{"intent": "retry payments", "limit": 0, "min_confidence": 2}""")]
    [InlineData("match_patterns", """{"intent": "", "filters": {"pattern_types": "caching"}}""")]
    [InlineData("list_patterns", """{"sort": "size", "tag_match": "some"}""")]
    // Missing or of another JSON type than the tool's schema says: the REST parser's message, not the SDK's binding error.
    [InlineData("match_patterns", """{"limit": "abc", "explore": "yes", "requirements": "no array"}""")]
    [InlineData("list_patterns", """{"limit": "abc", "min_quality_score": "high"}""")]
    [InlineData("record_outcome", """{"pattern_id": "2b1e5a3c-6f0e-4d8a-9a51-0c1d2e3f4a5b", "success": "yes"}""")]
    [InlineData("create_pattern", """{"pattern_type": "caching", "name": 5, "tags": "cache"}""")]
    // Every argument reaches the REST parser, one the tool's schema does not name too.
    [InlineData("match_patterns", """{"intent": "retry payments", "retrieval_mode": "dense"}""")]
    [InlineData("match_patterns", """{"intent": "retry payments", "retrieval": "fuzzy"}""")]
    public async Task Bad_arguments_are_a_tool_error_naming_each_field_as_the_REST_400_does(string tool, string arguments)
    {
        await using var client = await ConnectAsync(pipeline.Api);
        var args = JsonNode.Parse(arguments)!.AsObject();

        var result = await client.CallToolAsync(tool, args.ToDictionary(p => p.Key, p => (object?)p.Value));

        Assert.True(result.IsError);
        var text = Text(result);
        var restProblem = await RestProblemAsync(tool, args);
        var restErrors = restProblem["errors"]!.AsObject();
        Assert.NotEmpty(restErrors);
        Assert.StartsWith($"{restProblem["title"]}: ", text);
        foreach (var (field, messages) in restErrors)
            Assert.Contains($"{field} {messages![0]}", text);
    }

    [Fact]
    public async Task Create_with_the_same_idempotency_key_stores_one_pattern_and_a_changed_request_is_refused()
    {
        await using var client = await ConnectAsync(pipeline.Api);
        var arguments = CreateArguments("Retry with a stored request id", NewTag());
        arguments["idempotency_key"] = $"mcp-{Guid.NewGuid():N}";

        var first = await CallAsync(client, "create_pattern", arguments);
        var second = await CallAsync(client, "create_pattern", arguments);
        arguments["name"] = "Another pattern";
        var changed = await client.CallToolAsync("create_pattern", arguments);

        Assert.Equal(first["pattern_id"]!.GetValue<Guid>(), second["pattern_id"]!.GetValue<Guid>());
        Assert.True(changed.IsError);
        Assert.Contains("Idempotency-Key reused", Text(changed));
    }

    [Fact]
    public async Task An_idempotency_key_that_is_not_a_string_is_a_tool_error_naming_it_and_nothing_is_stored()
    {
        await using var client = await ConnectAsync(pipeline.Api);
        var tag = NewTag();
        var arguments = CreateArguments("Keyed by a number", tag);
        arguments["idempotency_key"] = 42;

        var result = await client.CallToolAsync("create_pattern", arguments);

        Assert.True(result.IsError);
        Assert.Contains("idempotency_key must be a string", Text(result));
        var listed = await CallAsync(client, "list_patterns", new Dictionary<string, object?> { ["tag"] = new[] { tag } });
        Assert.Empty(listed["items"]!.AsArray());
    }

    [Fact]
    public async Task A_read_only_key_can_list_but_create_is_a_tool_error_naming_the_write_scope_and_no_key_is_refused()
    {
        await using var keyed = pipeline.Api.WithWebHostBuilder(builder => builder.UseSetting("Auth:RequireApiKeys", "true"));
        await using var scope = keyed.Services.CreateAsyncScope();
        var keys = scope.ServiceProvider.GetRequiredService<ApiKeyStore>();
        var (_, readKey) = await keys.CreateAsync($"mcp-reader-{Guid.NewGuid():N}", [Scopes.PatternsRead], CancellationToken.None);
        var (_, writeKey) = await keys.CreateAsync($"mcp-writer-{Guid.NewGuid():N}", [Scopes.PatternsWrite], CancellationToken.None);
        await using var reader = await ConnectAsync(keyed, new() { [ApiKeyAuthenticationHandler.HeaderName] = readKey });
        // MCP clients often can only send a bearer token: the same key is taken there.
        await using var writer = await ConnectAsync(keyed, new() { ["Authorization"] = $"Bearer {writeKey}" });

        var listed = await reader.CallToolAsync("list_patterns", new Dictionary<string, object?> { ["limit"] = 1 });
        var refused = await reader.CallToolAsync("create_pattern", CreateArguments("Never stored", NewTag()));
        var created = await writer.CallToolAsync("create_pattern", CreateArguments("Stored by a writer", NewTag()));

        Assert.True(listed.IsError is not true, Text(listed));
        Assert.True(refused.IsError);
        Assert.Contains("needs scope patterns:write", Text(refused));
        Assert.True(created.IsError is not true, Text(created));
        await Assert.ThrowsAnyAsync<HttpRequestException>(() => ConnectAsync(keyed));
    }

    [Fact]
    public async Task The_prompt_walks_an_agent_through_match_follow_and_report_with_the_match_id()
    {
        await using var client = await ConnectAsync(pipeline.Api);

        var prompt = await client.GetPromptAsync("find_pattern_for_task", new Dictionary<string, object?> { ["task"] = Intent });

        var text = string.Concat(prompt.Messages.Select(m => (m.Content as TextContentBlock)?.Text));
        Assert.Contains(Intent, text);
        Assert.Contains("match_patterns", text);
        Assert.Contains("record_outcome", text);
        Assert.Contains("match_id", text);
    }

    [Fact]
    public async Task Another_host_name_finds_no_MCP_endpoint_and_no_origin_is_granted_CORS()
    {
        var http = pipeline.Api.CreateClient();

        var local = await http.SendAsync(Ping(host: null));
        var rebound = await http.SendAsync(Ping(host: "rebound.example"));
        using var preflight = new HttpRequestMessage(HttpMethod.Options, "/mcp");
        preflight.Headers.Add("Origin", "https://rebound.example");
        preflight.Headers.Add("Access-Control-Request-Method", "POST");
        preflight.Headers.Add("Access-Control-Request-Headers", "content-type,x-api-key");
        var cors = await http.SendAsync(preflight);

        Assert.Equal(System.Net.HttpStatusCode.OK, local.StatusCode);
        Assert.Equal(System.Net.HttpStatusCode.NotFound, rebound.StatusCode);
        Assert.False(cors.Headers.Contains("Access-Control-Allow-Origin"));
    }

    private static HttpRequestMessage Ping(string? host)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/mcp")
        {
            Content = new StringContent("""{"jsonrpc": "2.0", "id": 1, "method": "ping"}""", System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.Accept.ParseAdd("application/json");
        request.Headers.Accept.ParseAdd("text/event-stream");
        if (host is not null) request.Headers.Host = host;
        return request;
    }

    internal static async Task<McpClient> ConnectAsync(WebApplicationFactory<Program> host, Dictionary<string, string>? headers = null)
    {
        var http = host.CreateClient();
        var transport = new HttpClientTransport(new HttpClientTransportOptions
        {
            Endpoint = new Uri(http.BaseAddress!, "/mcp"), TransportMode = HttpTransportMode.StreamableHttp, AdditionalHeaders = headers,
        }, http, ownsHttpClient: true);
        return await McpClient.CreateAsync(transport);
    }

    /// <summary>Calls a tool that must succeed and returns its structured content.</summary>
    private static async Task<JsonObject> CallAsync(McpClient client, string tool, IReadOnlyDictionary<string, object?> arguments)
    {
        var result = await client.CallToolAsync(tool, arguments);
        Assert.True(result.IsError is not true, Text(result));
        Assert.False(string.IsNullOrWhiteSpace(Text(result)), "a text summary for models that read text only");
        return JsonSerializer.SerializeToNode(result.StructuredContent)!.AsObject();
    }

    /// <summary>The 400 REST answers for the same arguments sent as the tool's body or listing parameters.</summary>
    private async Task<JsonObject> RestProblemAsync(string tool, JsonObject arguments)
    {
        var body = arguments.DeepClone().AsObject();
        var response = tool switch
        {
            "match_patterns" => await _rest.PostAsJsonAsync("/api/v1/patterns/match", body),
            "create_pattern" => await _rest.PostAsJsonAsync("/api/v1/patterns", body),
            "record_outcome" when body.Remove("pattern_id", out var id) =>
                await _rest.PostAsJsonAsync($"/api/v1/patterns/{id}/outcomes", body),
            _ => await _rest.GetAsync("/api/v1/patterns?" + string.Join("&", arguments.Select(p => $"{p.Key}={p.Value}"))),
        };
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!;
    }

    private static Dictionary<string, object?> CreateArguments(string name, string tag)
    {
        var body = PatternBodies.Caching(name, $"{name}: {Intent}.", "payments", tag);
        return body.ToDictionary(p => p.Key, p => (object?)p.Value);
    }

    private static Dictionary<string, object?> MatchArguments(string tag) => new()
    {
        ["intent"] = Intent, ["min_confidence"] = 0.0, ["limit"] = 5,
        ["filters"] = new JsonObject { ["tags"] = new JsonArray(tag) },
    };

    private static List<Guid> PatternIds(JsonObject match) =>
        match["matched_patterns"]!.AsArray().Select(m => m!["pattern_id"]!.GetValue<Guid>()).ToList();

    private static string NewTag() => $"mcp-{Guid.NewGuid():N}"[..24];

    internal static string Text(CallToolResult result) => string.Concat(result.Content.OfType<TextContentBlock>().Select(c => c.Text));
}
