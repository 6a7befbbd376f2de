using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PatternSync.PatternApi.Idempotency;
using PatternSync.Testing;

namespace PatternApi.FunctionalTests;

/// <summary>A retried write with the same Idempotency-Key is answered once and written once.</summary>
public sealed class IdempotencyTests(PatternApiFixture api) : IClassFixture<PatternApiFixture>, IAsyncLifetime
{
    private readonly HttpClient _client = api.CreateClient();

    public Task InitializeAsync() => api.Database.ResetAsync();
    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task A_retried_create_returns_the_first_pattern_and_writes_nothing_more()
    {
        var first = await PostAsync("/api/v1/patterns", PatternBodies.Example(), "create-1");
        var retry = await PostAsync("/api/v1/patterns", PatternBodies.Example(), "create-1");

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.Created, retry.StatusCode);
        Assert.False(first.Headers.Contains(IdempotencyKeyHeader.ReplayedHeader));
        Assert.Equal("true", retry.Headers.GetValues(IdempotencyKeyHeader.ReplayedHeader).Single());
        Assert.Equal(first.Headers.Location, retry.Headers.Location);
        Assert.Equal(first.Headers.ETag, retry.Headers.ETag);
        Assert.True(JsonNode.DeepEquals(await first.ReadJsonAsync(), await retry.ReadJsonAsync()));
        await AssertStoredAsync(patterns: 1, outboxRows: 1);
    }

    [Fact]
    public async Task Concurrent_duplicates_write_one_pattern_and_all_get_its_id()
    {
        var responses = await Task.WhenAll(
            Enumerable.Range(0, 8).Select(_ => PostAsync("/api/v1/patterns", PatternBodies.Example(), "burst")));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.Created, r.StatusCode));
        Assert.Single(responses.Select(r => r.Headers.Location).Distinct());
        await AssertStoredAsync(patterns: 1, outboxRows: 1);
    }

    [Fact]
    public async Task The_same_key_with_another_request_is_refused_and_nothing_is_written()
    {
        await PostAsync("/api/v1/patterns", PatternBodies.Example("first"), "reused");

        var other = await PostAsync("/api/v1/patterns", PatternBodies.Example("second"), "reused");

        Assert.Equal(HttpStatusCode.UnprocessableEntity, other.StatusCode);
        Assert.Contains("Idempotency-Key", (await other.ReadJsonAsync())["detail"]!.GetValue<string>());
        await AssertStoredAsync(patterns: 1, outboxRows: 1);
    }

    [Fact]
    public async Task A_retried_outcome_is_counted_once()
    {
        var id = (await _client.CreateAsync(PatternBodies.Example()))["pattern_id"]!.GetValue<Guid>();
        var outcome = new JsonObject { ["success"] = true };

        var first = await PostAsync($"/api/v1/patterns/{id}/outcomes", outcome, "outcome-1");
        var retry = await PostAsync($"/api/v1/patterns/{id}/outcomes", outcome, "outcome-1");
        var another = await PostAsync($"/api/v1/patterns/{id}/outcomes", outcome, "outcome-2");

        Assert.Equal(1, (await first.ReadJsonAsync())["match_count"]!.GetValue<int>());
        Assert.Equal(1, (await retry.ReadJsonAsync())["match_count"]!.GetValue<int>());
        Assert.Equal(2, (await another.ReadJsonAsync())["match_count"]!.GetValue<int>());
        await AssertStoredAsync(patterns: 1, outboxRows: 3);
    }

    [Fact]
    public async Task A_large_pattern_is_remembered_by_a_bounded_answer_a_retry_still_gets_it_whole_and_after_a_delete_a_404()
    {
        var large = PatternBodies.Example();
        large["performance_data"] = new JsonObject { ["blob"] = new string('x', 60_000) };

        var first = await PostAsync("/api/v1/patterns", large, "large-1");
        var retry = await PostAsync("/api/v1/patterns", large, "large-1");

        Assert.Equal(HttpStatusCode.Created, retry.StatusCode);
        Assert.Equal("true", retry.Headers.GetValues(IdempotencyKeyHeader.ReplayedHeader).Single());
        Assert.Equal(first.Headers.Location, retry.Headers.Location);
        Assert.Equal(first.Headers.ETag, retry.Headers.ETag);
        Assert.True(JsonNode.DeepEquals(await first.ReadJsonAsync(), await retry.ReadJsonAsync()));
        await using var db = api.Database.CreateDbContext();
        var stored = (await db.IdempotentRequests.SingleAsync()).Response;
        Assert.True(stored.Length < 1024, $"the key keeps a {stored.Length}-character answer");
        await AssertStoredAsync(patterns: 1, outboxRows: 1);

        await _client.DeleteAsync(first.Headers.Location);
        Assert.Equal(HttpStatusCode.NotFound, (await PostAsync("/api/v1/patterns", large, "large-1")).StatusCode);
        await AssertStoredAsync(patterns: 0, outboxRows: 2);
    }

    [Fact]
    public async Task A_retried_outcome_on_a_large_pattern_answers_the_pattern_and_counts_once()
    {
        var large = PatternBodies.Example();
        large["performance_data"] = new JsonObject { ["blob"] = new string('x', 60_000) };
        var id = (await _client.CreateAsync(large))["pattern_id"]!.GetValue<Guid>();
        var outcome = new JsonObject { ["success"] = true };

        var first = await PostAsync($"/api/v1/patterns/{id}/outcomes", outcome, "large-outcome");
        var retry = await PostAsync($"/api/v1/patterns/{id}/outcomes", outcome, "large-outcome");

        Assert.Equal(HttpStatusCode.OK, retry.StatusCode);
        Assert.Equal(first.Headers.ETag, retry.Headers.ETag);
        Assert.True(JsonNode.DeepEquals(await first.ReadJsonAsync(), await retry.ReadJsonAsync()));
        await using var db = api.Database.CreateDbContext();
        Assert.True((await db.IdempotentRequests.SingleAsync()).Response.Length < 1024);
        await AssertStoredAsync(patterns: 1, outboxRows: 2);
    }

    [Fact]
    public async Task A_key_stored_with_the_whole_response_as_before_still_replays_it()
    {
        var first = await PostAsync("/api/v1/patterns", PatternBodies.Example(), "whole-1");
        var body = await first.Content.ReadAsStringAsync();
        await api.Database.ExecuteAsync($"UPDATE idempotent_requests SET response = '{body.Replace("'", "''")}'");

        var retry = await PostAsync("/api/v1/patterns", PatternBodies.Example(), "whole-1");

        Assert.Equal(HttpStatusCode.Created, retry.StatusCode);
        Assert.Equal(first.Headers.ETag, retry.Headers.ETag);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(body), await retry.ReadJsonAsync()));
    }

    [Theory]
    [InlineData("has space")]
    [InlineData("tab\there")]
    public async Task An_unusable_key_is_a_400_naming_the_header_and_nothing_is_written(string key)
    {
        var response = await PostAsync("/api/v1/patterns", PatternBodies.Example(), key);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.NotNull((await response.ReadJsonAsync())["errors"]!["Idempotency-Key"]);
        await AssertStoredAsync(patterns: 0, outboxRows: 0);
    }

    [Fact]
    public async Task A_key_too_long_is_a_400()
    {
        var response = await PostAsync("/api/v1/patterns", PatternBodies.Example(), new string('k', 201));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        await AssertStoredAsync(patterns: 0, outboxRows: 0);
    }

    [Fact]
    public async Task Keys_older_than_the_retention_are_forgotten_and_newer_ones_kept()
    {
        await PostAsync("/api/v1/patterns", PatternBodies.Example("old"), "old-key");
        await PostAsync("/api/v1/patterns", PatternBodies.Example("new"), "new-key");
        await api.Database.ExecuteAsync("UPDATE idempotent_requests SET created_at = now() - interval '25 hours' WHERE key = 'old-key'");

        Assert.Equal(1, await api.Services.GetRequiredService<IdempotentRequestPruner>().PruneAsync(CancellationToken.None));

        await using var db = api.Database.CreateDbContext();
        Assert.Equal(["new-key"], await db.IdempotentRequests.Select(r => r.Key).ToListAsync());
    }

    private Task<HttpResponseMessage> PostAsync(string path, JsonObject body, string key)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
        request.Headers.TryAddWithoutValidation("Idempotency-Key", key);
        return _client.SendAsync(request);
    }

    private async Task AssertStoredAsync(int patterns, int outboxRows)
    {
        await using var db = api.Database.CreateDbContext();
        Assert.Equal(patterns, await db.Patterns.CountAsync());
        Assert.Equal(outboxRows, await db.OutboxMessages.CountAsync());
    }
}
