using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using PatternSync.Core.Filters;
using PatternSync.PatternApi.Security;
using PatternSync.Testing;

namespace PatternApi.FunctionalTests;

public sealed class ApiSurfaceTests(PatternApiFixture api) : IClassFixture<PatternApiFixture>
{
    private readonly HttpClient _client = api.CreateClient();

    [Fact]
    public async Task The_OpenAPI_document_describes_the_pattern_endpoints()
    {
        var document = await _client.GetFromJsonAsync<JsonObject>("/openapi/v1.json");

        var paths = document!["paths"]!.AsObject();
        Assert.Contains("/api/v1/patterns", paths.Select(p => p.Key));
        Assert.Contains("/api/v1/patterns/{patternId}", paths.Select(p => p.Key));
        Assert.NotNull(paths["/api/v1/patterns/{patternId}"]!["patch"]);
    }

    [Fact]
    public async Task The_match_schema_advertises_exactly_the_filters_the_parser_reads()
    {
        var document = (await _client.GetFromJsonAsync<JsonObject>("/openapi/v1.json"))!;
        var schemas = document["components"]!["schemas"]!;
        JsonNode Resolve(JsonNode schema) =>
            schema["$ref"] is { } reference ? schemas[reference.GetValue<string>().Split('/')[^1]]! : schema;

        var body = document["paths"]!["/api/v1/patterns/match"]!["post"]!["requestBody"]!["content"]!["application/json"]!["schema"]!;
        var filters = Resolve(Resolve(body)["properties"]!["filters"]!);

        Assert.Equal(PatternFilterParser.JsonFields.Order(), filters["properties"]!.AsObject().Select(p => p.Key).Order());
    }

    [Fact]
    public async Task The_reference_page_is_served()
    {
        var response = await _client.GetAsync("/reference");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("text/html", response.Content.Headers.ContentType!.MediaType);
    }

    [Theory]
    [InlineData("/health/live")]
    [InlineData("/health/ready")]
    public async Task Health_probes_answer_healthy_while_PostgreSQL_answers(string path)
    {
        // Readiness includes the bus, which connects to RabbitMQ in the background after start.
        var body = await PatternSync.Testing.Eventually.ValueAsync(
            async () => await (await _client.GetAsync(path)).Content.ReadAsStringAsync(),
            text => text == "Healthy", TimeSpan.FromSeconds(30), $"{path} to be Healthy");

        Assert.Equal("Healthy", body);
        Assert.Equal(HttpStatusCode.OK, (await _client.GetAsync(path)).StatusCode);
    }
}

/// <summary>Keys required, limits out of the way: every status an operation gives comes from what the request was.</summary>
public sealed class KeyedApiFixture : PatternApiFixture
{
    protected override bool RequireApiKeys => true;

    protected override IReadOnlyDictionary<string, string> Settings => new Dictionary<string, string>
    {
        ["RateLimits:WritesPerSecond"] = "100000",
        ["RateLimits:WriteBurst"] = "100000",
    };
}

/// <summary>
/// The OpenAPI document against the API itself: each operation, called well and badly, answers only what its entry lists.
/// </summary>
public sealed class DocumentedStatusTests(KeyedApiFixture api) : IClassFixture<KeyedApiFixture>
{
    private static readonly Dictionary<string, string> GoodBodies = new()
    {
        ["MatchPatterns"] = """{"intent":"optimize API performance"}""",
        ["CreatePattern"] = PatternBodies.Example().ToJsonString(),
        ["UpdatePattern"] = """{"description":"Pool connections and route reads to replicas"}""",
        ["RecordOutcome"] = """{"success":true}""",
    };

    [Fact]
    public async Task Every_operation_answers_only_statuses_its_OpenAPI_entry_lists()
    {
        var client = api.CreateClient();
        var document = (await client.GetFromJsonAsync<JsonObject>("/openapi/v1.json"))!;
        var everything = await KeyAsync(Scopes.All);
        var operations = 0;

        foreach (var (path, item) in document["paths"]!.AsObject())
        foreach (var (method, node) in item!.AsObject())
        {
            var operation = node!.AsObject();
            var name = operation["operationId"]!.GetValue<string>();
            var responses = operation["responses"]!.AsObject();
            var documented = responses.Select(r => int.Parse(r.Key)).ToHashSet();
            foreach (var problem in responses.Where(r => int.Parse(r.Key) >= 400).Select(r => r.Value!))
                Assert.EndsWith("ProblemDetails", problem["content"]!["application/problem+json"]!["schema"]!["$ref"]!.GetValue<string>());

            var writes = name.StartsWith("Create") || name.StartsWith("Update") || name.StartsWith("Delete") || name == "RecordOutcome";
            var needs = writes ? Scopes.PatternsWrite
                : path.StartsWith("/api/v1/sync") ? Scopes.OpsAdmin : Scopes.PatternsRead;
            var otherScope = await KeyAsync([Scopes.All.First(s => s != needs)]);
            var mediaType = operation["requestBody"]?["content"]?.AsObject().First().Key ?? "application/json";
            var id = path.Contains("{patternId}") ? (await CreatePatternAsync(client, everything)).ToString() : null;

            var goodBody = GoodBodies.GetValueOrDefault(name, "{}");
            var good = await SendAsync(client, method, path, id, everything, goodBody, mediaType);
            Assert.True(good < 300, $"{method.ToUpperInvariant()} {path} answered {good} to a good request");
            var bad = new List<(string What, int Status)>
            {
                ("no key", await SendAsync(client, method, path, id, null, "{}", mediaType)),
                ("another scope's key", await SendAsync(client, method, path, id, otherScope, "{}", mediaType)),
                ("a body over the limit",
                    await SendOversizedAsync(client, method, id is null ? path : path.Replace("{patternId}", id), everything)),
            };
            if (id is not null)
            {
                bad.Add(("a pattern_id that is no UUID",
                    await SendAsync(client, method, path, "not-a-uuid", everything, goodBody, mediaType)));
                bad.Add(("an unknown pattern",
                    await SendAsync(client, method, path, Guid.NewGuid().ToString(), everything, goodBody, mediaType)));
            }
            if (method is "post" or "patch")
            {
                bad.Add(("malformed JSON", await SendAsync(client, method, path, id, everything, "{\"a\":", mediaType)));
                bad.Add(("a form", await SendAsync(client, method, path, id, everything, "a=b", "application/x-www-form-urlencoded")));
            }
            if (method == "get" && id is null)
                bad.Add(("limit=0", await SendAsync(client, method, path + "?limit=0", null, everything, "", mediaType)));

            foreach (var (what, status) in bad)
            {
                Assert.True(documented.Contains(status),
                    $"{method.ToUpperInvariant()} {path} answered {status} to {what}; "
                    + $"its OpenAPI entry lists {string.Join(", ", documented.Order())}");
                if (what is "no key" or "another scope's key" or "malformed JSON" or "a form" or "an unknown pattern")
                    Assert.InRange(status, 400, 499);
            }
            operations++;
        }
        Assert.True(operations >= 12, $"{operations} operations in the document");
    }

    private async Task<string> KeyAsync(IReadOnlyCollection<string> scopes)
    {
        await using var services = api.Services.CreateAsyncScope();
        var keys = services.ServiceProvider.GetRequiredService<ApiKeyStore>();
        var (_, value) = await keys.CreateAsync($"openapi {Guid.NewGuid():N}", scopes, CancellationToken.None);
        return value;
    }

    private static async Task<Guid> CreatePatternAsync(HttpClient client, string key)
    {
        var body = PatternBodies.Example($"Documented {Guid.NewGuid():N}").ToJsonString();
        var response = await SendRawAsync(client, "post", "/api/v1/patterns", key, body, "application/json");
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.ReadJsonAsync())["pattern_id"]!.GetValue<Guid>();
    }

    private static async Task<int> SendAsync(
        HttpClient client, string method, string path, string? id, string? key, string body, string mediaType) =>
        (int)(await SendRawAsync(client, method, id is null ? path : path.Replace("{patternId}", id), key, body, mediaType)).StatusCode;

    private static async Task<int> SendOversizedAsync(HttpClient client, string method, string path, string key)
    {
        var request = new HttpRequestMessage(new HttpMethod(method.ToUpperInvariant()), path)
        {
            Content = new StringContent(new string(' ', 300 * 1024), System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.Add(ApiKeyAuthenticationHandler.HeaderName, key);
        return (int)(await client.SendAsync(request)).StatusCode;
    }

    private static Task<HttpResponseMessage> SendRawAsync(
        HttpClient client, string method, string path, string? key, string body, string mediaType)
    {
        var request = new HttpRequestMessage(new HttpMethod(method.ToUpperInvariant()), path);
        if (method is "post" or "patch") request.Content = new StringContent(body, System.Text.Encoding.UTF8, mediaType);
        if (key is not null) request.Headers.Add(ApiKeyAuthenticationHandler.HeaderName, key);
        return client.SendAsync(request);
    }
}
