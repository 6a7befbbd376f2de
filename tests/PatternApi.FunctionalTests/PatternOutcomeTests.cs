using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PatternSync.Contracts;
using PatternSync.PatternApi.Security;
using PatternSync.Testing;

namespace PatternApi.FunctionalTests;

/// <summary>Each reported outcome is a row of its own, written with the counters, and listed newest first a page at a time.</summary>
public sealed class PatternOutcomeTests(PatternApiFixture api) : IClassFixture<PatternApiFixture>, IAsyncLifetime
{
    private readonly HttpClient _client = api.CreateClient();

    public Task InitializeAsync() => api.Database.ResetAsync();
    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task An_outcome_with_a_match_and_notes_is_a_row_written_with_the_counters_and_its_event()
    {
        var id = await CreateAsync();
        var matchId = Guid.NewGuid();

        var response = await PostAsync(id, new JsonObject
        {
            ["success"] = false, ["match_id"] = matchId.ToString(), ["notes"] = "Timed out under load.\n\tRetried once.",
        });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await using var db = api.Database.CreateDbContext();
        var pattern = await db.Patterns.AsNoTracking().SingleAsync(p => p.PatternId == id);
        var outcome = await db.Outcomes.AsNoTracking().SingleAsync(o => o.PatternId == id);
        Assert.Equal((1, 0, 1, 2), (pattern.MatchCount, pattern.SuccessCount, pattern.FailureCount, pattern.Version));
        Assert.Equal((false, matchId, "Timed out under load.\n\tRetried once."), (outcome.Success, outcome.MatchId, outcome.Notes));
        Assert.Equal(pattern.LastMatchedAt, outcome.RecordedAt);
        Assert.Null(outcome.Caller);
        var message = await db.OutboxMessages.SingleAsync(m => m.MessageType == nameof(PatternOutcomeRecorded));
        var payload = PatternRequests.Deserialize<PatternOutcomeRecorded>(message.Payload)!;
        Assert.Equal((matchId, 2, false), (payload.MatchId, payload.Version, payload.Success));
    }

    [Theory]
    [InlineData("""{"success": true, "match_id": "m-1"}""", "match_id")]
    [InlineData("""{"success": true, "match_id": 7}""", "match_id")]
    [InlineData("""{"success": true, "notes": 3}""", "notes")]
    [InlineData("""{"success": true, "notes": "bell\u0007"}""", "notes")]
    [InlineData("""{"success": true, "notes": "x", "caller": "me"}""", "caller")]
    public async Task A_bad_match_id_or_notes_is_a_400_naming_it_and_writes_nothing(string body, string field)
    {
        var id = await CreateAsync();

        var response = await _client.PostAsync($"/api/v1/patterns/{id}/outcomes", PatternRequests.Json(JsonNode.Parse(body)!));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal([field], (await response.ReadJsonAsync())["errors"]!.AsObject().Select(e => e.Key));
        await AssertNothingWrittenAsync(id);
    }

    [Fact]
    public async Task Notes_over_2000_characters_are_a_400_and_2000_are_kept()
    {
        var id = await CreateAsync();

        var tooLong = await PostAsync(id, new JsonObject { ["success"] = true, ["notes"] = new string('n', 2001) });
        Assert.Equal(HttpStatusCode.BadRequest, tooLong.StatusCode);
        Assert.True((await tooLong.ReadJsonAsync())["errors"]!.AsObject().ContainsKey("notes"));
        await AssertNothingWrittenAsync(id);

        var longest = await PostAsync(id, new JsonObject { ["success"] = true, ["notes"] = new string('n', 2000) });
        Assert.Equal(HttpStatusCode.OK, longest.StatusCode);
        await using var db = api.Database.CreateDbContext();
        Assert.Equal(2000, (await db.Outcomes.SingleAsync(o => o.PatternId == id)).Notes!.Length);
    }

    [Fact]
    public async Task An_outcome_for_an_absent_pattern_writes_no_row()
    {
        var response = await PostAsync(Guid.NewGuid(), new JsonObject { ["success"] = true, ["match_id"] = Guid.NewGuid().ToString() });

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        await using var db = api.Database.CreateDbContext();
        Assert.False(await db.Outcomes.AnyAsync());
    }

    [Fact]
    public async Task A_retried_or_refused_outcome_with_an_idempotency_key_writes_no_second_row()
    {
        var id = await CreateAsync();
        var body = new JsonObject { ["success"] = true, ["match_id"] = Guid.NewGuid().ToString() };

        var first = await PostAsync(id, body, idempotencyKey: "outcome-1");
        var retry = await PostAsync(id, body, idempotencyKey: "outcome-1");
        var reused = await PostAsync(id, new JsonObject { ["success"] = false }, idempotencyKey: "outcome-1");

        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK), (first.StatusCode, retry.StatusCode));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, reused.StatusCode);
        await using var db = api.Database.CreateDbContext();
        Assert.Equal(1, await db.Outcomes.CountAsync(o => o.PatternId == id));
        Assert.Equal(1, (await db.Patterns.SingleAsync(p => p.PatternId == id)).MatchCount);
    }

    [Fact]
    public async Task The_listing_pages_through_25_outcomes_newest_first_without_gaps_or_repeats()
    {
        var id = await CreateAsync();
        for (var i = 0; i < 25; i++)
        {
            var response = await PostAsync(id, new JsonObject { ["success"] = i % 3 != 0, ["notes"] = $"use {i}" });
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        var seen = new List<JsonObject>();
        var pages = 0;
        string? cursor = null;
        do
        {
            var query = cursor is null ? "limit=10" : $"limit=10&cursor={Uri.EscapeDataString(cursor)}";
            var page = (await _client.GetFromJsonAsync<JsonObject>($"/api/v1/patterns/{id}/outcomes?{query}"))!;
            seen.AddRange(page["items"]!.AsArray().Select(item => item!.AsObject()));
            cursor = page["next_cursor"]?.GetValue<string>();
            pages++;
        } while (cursor is not null && pages < 10);

        Assert.Equal(3, pages);
        Assert.Equal(Enumerable.Range(0, 25).Reverse().Select(i => $"use {i}"), seen.Select(o => o["notes"]!.GetValue<string>()));
        Assert.Equal(25, seen.Select(o => o["outcome_id"]!.GetValue<long>()).Distinct().Count());
        Assert.All(seen, o => Assert.Equal(id, o["pattern_id"]!.GetValue<Guid>()));
        Assert.Equal(Enumerable.Range(0, 25).Reverse().Select(i => i % 3 != 0), seen.Select(o => o["success"]!.GetValue<bool>()));
        Assert.Equal(["outcome_id", "pattern_id", "success", "match_id", "notes", "recorded_at", "caller"], seen[0].Select(p => p.Key));
    }

    [Theory]
    [InlineData("limit=0", "limit")]
    [InlineData("limit=101", "limit")]
    [InlineData("cursor=not-a-cursor", "cursor")]
    [InlineData("sort=name", "sort")]
    public async Task Bad_listing_parameters_are_a_400_naming_them(string query, string field)
    {
        var id = await CreateAsync();

        var response = await _client.GetAsync($"/api/v1/patterns/{id}/outcomes?{query}");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True((await response.ReadJsonAsync())["errors"]!.AsObject().ContainsKey(field));
    }

    [Fact]
    public async Task The_outcomes_of_an_unknown_pattern_are_a_404()
    {
        Assert.Equal(HttpStatusCode.NotFound, (await _client.GetAsync($"/api/v1/patterns/{Guid.NewGuid()}/outcomes")).StatusCode);
    }

    private async Task<Guid> CreateAsync() => (await _client.CreateAsync(PatternBodies.Example()))["pattern_id"]!.GetValue<Guid>();

    private Task<HttpResponseMessage> PostAsync(Guid id, JsonObject body, string? idempotencyKey = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/patterns/{id}/outcomes") { Content = PatternRequests.Json(body) };
        if (idempotencyKey is not null) request.Headers.TryAddWithoutValidation("Idempotency-Key", idempotencyKey);
        return _client.SendAsync(request);
    }

    private async Task AssertNothingWrittenAsync(Guid id)
    {
        await using var db = api.Database.CreateDbContext();
        var pattern = await db.Patterns.AsNoTracking().SingleAsync(p => p.PatternId == id);
        Assert.Equal((0, 1), (pattern.MatchCount, pattern.Version));
        Assert.False(await db.Outcomes.AnyAsync(o => o.PatternId == id));
        Assert.False(await db.OutboxMessages.AnyAsync(m => m.MessageType == nameof(PatternOutcomeRecorded)));
    }
}

/// <summary>With API keys on, an outcome row names the key that reported it by its prefix, as logs do.</summary>
public sealed class KeyedPatternOutcomeTests(KeyedApiFixture api) : IClassFixture<KeyedApiFixture>
{
    [Fact]
    public async Task The_outcome_row_and_its_listing_name_the_reporting_key()
    {
        await using var scope = api.Services.CreateAsyncScope();
        var (key, value) = await scope.ServiceProvider.GetRequiredService<ApiKeyStore>()
            .CreateAsync($"outcomes {Guid.NewGuid():N}", Scopes.All, CancellationToken.None);
        var client = api.CreateClient();
        client.DefaultRequestHeaders.Add(ApiKeyAuthenticationHandler.HeaderName, value);
        var id = (await client.CreateAsync(PatternBodies.Example($"Keyed {Guid.NewGuid():N}")))["pattern_id"]!.GetValue<Guid>();

        var outcome = PatternRequests.Json(new JsonObject { ["success"] = true });
        var response = await client.PostAsync($"/api/v1/patterns/{id}/outcomes", outcome);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var page = (await client.GetFromJsonAsync<JsonObject>($"/api/v1/patterns/{id}/outcomes"))!;
        Assert.Equal(key.Prefix, page["items"]![0]!["caller"]!.GetValue<string>());
    }
}
