using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using PatternSync.Contracts;
using PatternSync.Testing;

namespace PatternApi.FunctionalTests;

public sealed class PatternCreateTests(PatternApiFixture api) : IClassFixture<PatternApiFixture>, IAsyncLifetime
{
    private readonly HttpClient _client = api.CreateClient();

    public Task InitializeAsync() => api.Database.ResetAsync();
    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Create_returns_the_stored_pattern_with_location_and_etag()
    {
        var response = await _client.PostAsJsonAsync("/api/v1/patterns", PatternBodies.Example());

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = await response.ReadJsonAsync();
        var id = body["pattern_id"]!.GetValue<Guid>();
        Assert.Equal($"/api/v1/patterns/{id}", response.Headers.Location!.ToString());
        Assert.Equal("\"1\"", response.Headers.ETag!.Tag);
        Assert.Equal(1, body["version"]!.GetValue<int>());
        Assert.Equal(0.97, body["quality_score"]!.GetValue<double>(), 6);
        // The seed's producers hash the context with json.dumps(context, sort_keys=True); so do we.
        Assert.Equal("f31365fcdfd8622c5fd71f336a488e767f788cb27acc4038c4347751e2d7d68d", body["context_hash"]!.GetValue<string>());

        var stored = await _client.GetFromJsonAsync<JsonObject>($"/api/v1/patterns/{id}");
        Assert.True(JsonNode.DeepEquals(body, stored), $"created {body} but read {stored}");
    }

    [Theory]
    [InlineData("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", "00-0af7651916cd43dd8448eb211c80319c-")]
    [InlineData(
        "Request-Id", "|a-caller's-own-hierarchical-request-id-that-runs-on-and-on-and-on-for-well-over-a-hundred-characters.1.", null)]
    [InlineData("traceparent", "not a trace context", null)]
    public async Task The_outbox_row_keeps_a_W3C_trace_context_and_nothing_else(string header, string value, string? kept)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/patterns")
        {
            Content = JsonContent.Create(PatternBodies.Example()),
        };
        request.Headers.TryAddWithoutValidation(header, value);

        Assert.Equal(HttpStatusCode.Created, (await _client.SendAsync(request)).StatusCode);
        await using var db = api.Database.CreateDbContext();
        var traceParent = await db.OutboxMessages.Select(m => m.TraceParent).SingleAsync();
        if (kept is null) Assert.True(traceParent is null || traceParent.Length == 55, traceParent);
        else Assert.StartsWith(kept, traceParent);
    }

    [Fact]
    public async Task Create_writes_exactly_one_outbox_row_carrying_PatternCreated()
    {
        var created = await _client.CreateAsync(PatternBodies.Example());
        var id = created["pattern_id"]!.GetValue<Guid>();

        await using var db = api.Database.CreateDbContext();
        var message = Assert.Single(await db.OutboxMessages.ToListAsync());
        Assert.Equal(nameof(PatternCreated), message.MessageType);
        Assert.Equal(id, message.PatternId);
        Assert.Equal(1, message.PatternVersion);
        Assert.Null(message.SentAt);
        var payload = PatternRequests.Deserialize<PatternCreated>(message.Payload)!;
        Assert.Equal(id, payload.PatternId);
        Assert.Equal("api_optimization", payload.PatternType);
        Assert.Equal(["postgresql", "optimization", "scaling", "replication"], payload.Tags);
        Assert.Equal(PatternEvent.CurrentSchemaVersion, payload.SchemaVersion);
        Assert.Equal(1, JsonNode.Parse(message.Payload)!["schema_version"]!.GetValue<int>());
    }

    [Fact]
    public async Task A_failure_after_the_pattern_is_written_rolls_back_the_pattern_and_the_outbox_row()
    {
        // The outbox insert comes after the pattern insert in the same transaction; make it fail.
        await api.Database.ExecuteAsync("""
            CREATE FUNCTION fail_outbox() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'outbox refused'; END $$;
            CREATE TRIGGER fail_outbox BEFORE INSERT ON outbox_messages FOR EACH ROW EXECUTE FUNCTION fail_outbox();
            """);
        try
        {
            var response = await _client.PostAsJsonAsync("/api/v1/patterns", PatternBodies.Example());

            Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
            Assert.Equal(0, await api.Database.CountAsync("success_patterns"));
            Assert.Equal(0, await api.Database.CountAsync("outbox_messages"));
        }
        finally
        {
            await api.Database.ExecuteAsync("DROP TRIGGER fail_outbox ON outbox_messages; DROP FUNCTION fail_outbox();");
        }
    }

    [Fact]
    public async Task Defaults_fill_optional_fields_and_tags_are_normalised()
    {
        var created = await _client.CreateAsync(new JsonObject
        {
            ["pattern_type"] = "caching",
            ["name"] = "Cache-aside with Redis",
            ["description"] = "Read through Redis with a TTL.",
            ["tags"] = new JsonArray(" Redis ", "redis", "TTL"),
        });

        Assert.Equal("active", created["status"]!.GetValue<string>());
        Assert.Equal(["redis", "ttl"], created["tags"]!.AsArray().Select(t => t!.GetValue<string>()));
        Assert.Equal(0.0, created["quality_score"]!.GetValue<double>());
        Assert.Equal("{}", created["execution_trace"]!.ToJsonString());
    }

    public static TheoryData<string, string> InvalidFields => new()
    {
        { """{"status": "retired"}""", "status" },
        { """{"name": ""}""", "name" },
        { """{"name": "ab"}""", "name" },
        { $$"""{"name": "{{new string('n', 201)}}"}""", "name" },
        { """{"name": "bad\u0007name"}""", "name" },
        { $$"""{"description": "{{new string('d', 4001)}}"}""", "description" },
        { """{"pattern_type": "API Optimization"}""", "pattern_type" },
        { """{"pattern_type": 42}""", "pattern_type" },
        { """{"tags": "postgresql"}""", "tags" },
        { """{"tags": ["ok", 5]}""", "tags[1]" },
        { """{"tags": ["has space"]}""", "tags[0]" },
        { $$"""{"tags": [{{string.Join(",", Enumerable.Range(0, 33).Select(i => $"\"t{i}\""))}}]}""", "tags" },
        { """{"execution_trace": ["step"]}""", "execution_trace" },
        { """{"execution_trace": {"steps": "one"}}""", "execution_trace.steps" },
        { """{"execution_trace": {"steps": ["ok", 3]}}""", "execution_trace.steps[1]" },
        { """{"quality_metrics": {"accuracy": 1.5}}""", "quality_metrics.accuracy" },
        { """{"quality_metrics": "high"}""", "quality_metrics" },
        { """{"success_criteria": 3}""", "success_criteria" },
        { """{"performance_data": [1]}""", "performance_data" },
        { """{"context": "FastAPI"}""", "context" },
        { """{"version": 7}""", "version" },
        { """{"match_count": 7}""", "match_count" },
        { """{"colour": "blue"}""", "colour" },
    };

    [Theory]
    [MemberData(nameof(InvalidFields))]
    public async Task Invalid_field_gets_400_naming_it_and_nothing_is_written(string patch, string field)
    {
        var body = PatternBodies.Example();
        foreach (var (key, value) in JsonNode.Parse(patch)!.AsObject()) body[key] = value?.DeepClone();

        var response = await _client.PostAsync("/api/v1/patterns", PatternRequests.Json(body));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        var errors = (await response.ReadJsonAsync())["errors"]!.AsObject();
        Assert.True(errors.ContainsKey(field), $"errors {errors.ToJsonString()} do not name {field}");
        Assert.Equal(0, await api.Database.CountAsync("success_patterns"));
        Assert.Equal(0, await api.Database.CountAsync("outbox_messages"));
    }

    [Fact]
    public async Task A_missing_required_field_is_named()
    {
        var body = PatternBodies.Example();
        body.Remove("pattern_type");
        body.Remove("description");

        var response = await _client.PostAsync("/api/v1/patterns", PatternRequests.Json(body));

        var errors = (await response.ReadJsonAsync())["errors"]!.AsObject();
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("pattern_type", errors.Select(e => e.Key));
        Assert.Contains("description", errors.Select(e => e.Key));
    }

    [Theory]
    [InlineData("{\"name\": ", HttpStatusCode.BadRequest)]
    [InlineData("[1, 2]", HttpStatusCode.BadRequest)]
    [InlineData("\"text\"", HttpStatusCode.BadRequest)]
    [InlineData("null", HttpStatusCode.BadRequest)]
    [InlineData("", HttpStatusCode.BadRequest)]
    public async Task A_body_that_is_not_a_json_object_gets_400(string body, HttpStatusCode expected)
    {
        var response = await _client.PostAsync("/api/v1/patterns", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(expected, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal(0, await api.Database.CountAsync("success_patterns"));
    }

    [Fact]
    public async Task Nesting_deeper_than_the_limit_gets_400()
    {
        var deep = new string('[', 40) + new string(']', 40);
        var response = await _client.PostAsync("/api/v1/patterns",
            new StringContent($"{{\"performance_data\": {{\"x\": {deep}}}}}", System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task A_body_over_the_size_limit_gets_413_and_nothing_is_written()
    {
        var body = PatternBodies.Example();
        body["performance_data"] = new JsonObject { ["blob"] = new string('x', 300 * 1024) };

        var response = await _client.PostAsync("/api/v1/patterns", PatternRequests.Json(body));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal(0, await api.Database.CountAsync("success_patterns"));
    }

    [Fact]
    public async Task A_body_that_is_not_json_gets_415()
    {
        var form = new StringContent("name=x", System.Text.Encoding.UTF8, "application/x-www-form-urlencoded");
        var response = await _client.PostAsync("/api/v1/patterns", form);

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
    }
}
