using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using PatternSync.Contracts;
using PatternSync.Testing;

namespace PatternApi.FunctionalTests;

public sealed class PatternUpdateTests(PatternApiFixture api) : IClassFixture<PatternApiFixture>, IAsyncLifetime
{
    private readonly HttpClient _client = api.CreateClient();

    public Task InitializeAsync() => api.Database.ResetAsync();
    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Merge_patch_changes_only_the_given_fields_bumps_the_version_and_writes_PatternUpdated()
    {
        var id = await CreatePattern();

        const string patch = """{"name": "Pooling and replicas", "quality_metrics": {"latency_p99_ms": null, "accuracy": 0.5}}""";
        var response = await Patch(id, patch, ifMatch: "\"1\"");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("\"2\"", response.Headers.ETag!.Tag);
        var body = await response.ReadJsonAsync();
        Assert.Equal("Pooling and replicas", body["name"]!.GetValue<string>());
        Assert.Equal("""{"accuracy":0.5,"reliability":0.99}""", body["quality_metrics"]!.ToJsonString());
        Assert.Equal(0.745, body["quality_score"]!.GetValue<double>(), 6);
        Assert.Equal(4, body["tags"]!.AsArray().Count);

        await using var db = api.Database.CreateDbContext();
        var update = await db.OutboxMessages.SingleAsync(m => m.MessageType == nameof(PatternUpdated));
        Assert.Equal(2, update.PatternVersion);
        var payload = PatternRequests.Deserialize<PatternUpdated>(update.Payload)!;
        Assert.Equal(["name", "quality_metrics"], payload.ChangedFields);
    }

    [Fact]
    public async Task A_stale_If_Match_gets_412_and_writes_nothing()
    {
        var id = await CreatePattern();
        Assert.Equal(HttpStatusCode.OK, (await Patch(id, """{"name": "Second name"}""", "\"1\"")).StatusCode);

        var stale = await Patch(id, """{"name": "Lost update"}""", "\"1\"");

        Assert.Equal(HttpStatusCode.PreconditionFailed, stale.StatusCode);
        Assert.Equal("application/problem+json", stale.Content.Headers.ContentType!.MediaType);
        var current = await (await _client.GetAsync($"/api/v1/patterns/{id}")).ReadJsonAsync();
        Assert.Equal("Second name", current["name"]!.GetValue<string>());
        Assert.Equal(2, current["version"]!.GetValue<int>());
        Assert.Equal(2, await api.Database.CountAsync("outbox_messages"));
    }

    [Fact]
    public async Task Concurrent_patches_with_the_same_If_Match_let_exactly_one_win()
    {
        var id = await CreatePattern();

        var responses = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => Patch(id, $$"""{"name": "Writer {{i}}"}""", "\"1\"")));

        Assert.Single(responses, r => r.StatusCode == HttpStatusCode.OK);
        Assert.All(responses.Where(r => r.StatusCode != HttpStatusCode.OK),
            r => Assert.Equal(HttpStatusCode.PreconditionFailed, r.StatusCode));
        Assert.Equal(2, await api.Database.CountAsync("outbox_messages"));
    }

    [Fact]
    public async Task Concurrent_patches_without_If_Match_are_all_applied_in_turn()
    {
        var id = await CreatePattern();

        var responses = await Task.WhenAll(
            Enumerable.Range(0, 6).Select(i => Patch(id, $$$"""{"performance_data": {"writer_{{{i}}}": {{{i}}}}}""")));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        var current = await (await _client.GetAsync($"/api/v1/patterns/{id}")).ReadJsonAsync();
        Assert.Equal(7, current["version"]!.GetValue<int>());
        Assert.All(Enumerable.Range(0, 6), i => Assert.NotNull(current["performance_data"]![$"writer_{i}"]));
        Assert.Equal(7, await api.Database.CountAsync("outbox_messages"));
    }

    [Fact]
    public async Task A_patch_that_changes_nothing_keeps_the_version_and_writes_no_event()
    {
        var id = await CreatePattern();

        const string patch = """
            {"name": "Connection Pooling with Read Replicas", "tags": ["postgresql", "optimization", "scaling", "replication"]}
            """;
        var response = await Patch(id, patch);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("\"1\"", response.Headers.ETag!.Tag);
        Assert.Equal(1, await api.Database.CountAsync("outbox_messages"));
    }

    [Theory]
    [InlineData("""{"status": "retired"}""", "status")]
    [InlineData("""{"name": null}""", "name")]
    [InlineData("""{"status": null}""", "status")]
    [InlineData("""{"version": 9}""", "version")]
    [InlineData("""{"tags": [1]}""", "tags[0]")]
    [InlineData("""{"unknown": 1}""", "unknown")]
    public async Task An_invalid_patch_gets_400_naming_the_field_and_writes_nothing(string patch, string field)
    {
        var id = await CreatePattern();

        var response = await Patch(id, patch);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True((await response.ReadJsonAsync())["errors"]!.AsObject().ContainsKey(field));
        var current = await (await _client.GetAsync($"/api/v1/patterns/{id}")).ReadJsonAsync();
        Assert.Equal(1, current["version"]!.GetValue<int>());
        Assert.Equal(1, await api.Database.CountAsync("outbox_messages"));
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("\"0\"")]
    [InlineData("\"-1\"")]
    public async Task A_malformed_If_Match_gets_400(string ifMatch)
    {
        var id = await CreatePattern();

        var response = await Patch(id, """{"name": "Renamed"}""", ifMatch);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(1, await api.Database.CountAsync("outbox_messages"));
    }

    [Fact]
    public async Task Patch_of_an_absent_pattern_is_404()
    {
        var response = await Patch(Guid.NewGuid(), """{"name": "Renamed"}""");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    private async Task<Guid> CreatePattern() =>
        (await _client.CreateAsync(PatternBodies.Example()))["pattern_id"]!.GetValue<Guid>();

    private Task<HttpResponseMessage> Patch(Guid id, string patch, string? ifMatch = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Patch, $"/api/v1/patterns/{id}")
        {
            Content = PatternRequests.Json(JsonNode.Parse(patch)!, "application/merge-patch+json"),
        };
        if (ifMatch is not null) request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        return _client.SendAsync(request);
    }
}
