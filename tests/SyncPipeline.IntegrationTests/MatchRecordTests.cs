using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using PatternSync.Contracts;
using PatternSync.Core.Embeddings;
using PatternSync.Core.Matching;
using PatternSync.Testing;

namespace SyncPipeline.IntegrationTests;

/// <summary>
/// A match is recorded in the background, and an outcome naming it is checked against it and keeps its query embedding.
/// The record does not depend on the index, so one provider suffices.
/// </summary>
[Collection(PostgresPipeline.Name)]
public sealed class MatchRecordTests(PostgresPipelineFixture pipeline)
{
    private readonly HttpClient _client = pipeline.Api.CreateClient();

    [Fact]
    public async Task A_match_answers_a_match_id_and_its_record_is_written_with_the_ranked_ids_in_order()
    {
        var tag = $"r{Guid.NewGuid():N}";
        var ids = new[]
        {
            await CreateAsync("Exponential backoff with full jitter for flaky HTTP calls", tag),
            await CreateAsync("Circuit breaker around a slow payment provider", tag),
            await CreateAsync("Bake sourdough bread with a long cold proof", tag),
        };
        await pipeline.ConvergedAsync(ids);

        var (matchId, matched) = await MatchAsync("retry failed HTTP requests with backoff and jitter", tag);

        Assert.Equal(ids.ToHashSet(), matched.Select(m => m["pattern_id"]!.GetValue<Guid>()).ToHashSet());
        var record = await Eventually.ValueAsync(() => FindRecordAsync(matchId), r => r is not null, PipelineFixture.Settle,
            $"the record of match {matchId}");
        Assert.Equal(matched.Select(m => m["pattern_id"]!.GetValue<Guid>()), record!.PatternIds);
        Assert.Equal(matched.Select(m => (float)m["score_details"]!["similarity"]!.GetValue<double>()), record.Similarities);
        Assert.Equal(matched.Select(m => (float)m["score_details"]!["rank_score"]!.GetValue<double>()), record.RankScores);
        Assert.Equal((EmbeddingModel.Of(pipeline.Embedder).Key, "learned"), (record.EmbeddingModel, record.Ranking));
        Assert.Equal(384, record.QueryEmbedding.Length);
        Assert.Equal(tag, JsonNode.Parse(record.Filters!)!["tags"]![0]!.GetValue<string>());
    }

    [Fact]
    public async Task An_outcome_naming_a_match_that_returned_another_pattern_is_a_422_naming_match_id_and_changes_nothing()
    {
        var tag = $"r{Guid.NewGuid():N}";
        var returned = await CreateAsync("Dead-letter queue with replay tooling", tag);
        var other = await CreateAsync("Dead-letter queue with a replay console");
        await pipeline.ConvergedAsync([returned, other]);
        var (matchId, _) = await MatchAsync("replay messages from a dead-letter queue", tag);

        var response = await _client.PostAsJsonAsync($"/api/v1/patterns/{other}/outcomes", new { success = false, match_id = matchId });

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var errors = (await response.Content.ReadFromJsonAsync<JsonObject>())!["errors"]!.AsObject();
        Assert.Equal(["match_id"], errors.Select(e => e.Key));
        await using var db = pipeline.Database.CreateDbContext();
        var row = await db.Patterns.AsNoTracking().SingleAsync(p => p.PatternId == other);
        Assert.Equal((0, 0, 1), (row.MatchCount, row.FailureCount, row.Version));
        Assert.False(await db.Outcomes.AnyAsync(o => o.PatternId == other));
        Assert.False(await db.OutboxMessages.AnyAsync(m => m.PatternId == other && m.MessageType == nameof(PatternOutcomeRecorded)));
    }

    [Fact]
    public async Task An_outcome_for_a_pattern_the_match_returned_keeps_the_match_query_embedding_and_model()
    {
        var tag = $"r{Guid.NewGuid():N}";
        var id = await CreateAsync("Outbox relay with SKIP LOCKED", tag);
        await pipeline.ConvergedAsync([id]);
        var (matchId, _) = await MatchAsync("publish events reliably from a database transaction", tag);
        var record = await Eventually.ValueAsync(() => FindRecordAsync(matchId), r => r is not null, PipelineFixture.Settle,
            $"the record of match {matchId}");

        var response = await _client.PostAsJsonAsync($"/api/v1/patterns/{id}/outcomes", new { success = true, match_id = matchId });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await using var db = pipeline.Database.CreateDbContext();
        var outcome = await db.Outcomes.AsNoTracking().SingleAsync(o => o.PatternId == id);
        Assert.Equal((matchId, record!.EmbeddingModel), (outcome.MatchId, outcome.EmbeddingModel));
        Assert.Equal(record.QueryEmbedding, outcome.QueryEmbedding);
        Assert.Equal(1, (await db.Patterns.AsNoTracking().SingleAsync(p => p.PatternId == id)).SuccessCount);
    }

    private async Task<Guid> CreateAsync(string name, params string[] tags)
    {
        var body = PatternBodies.Caching(name, "Read through Redis with a TTL.", tags);
        var response = await _client.PostAsJsonAsync("/api/v1/patterns", body);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!["pattern_id"]!.GetValue<Guid>();
    }

    /// <summary>Matches among the patterns with <paramref name="tag"/> only, so other tests' patterns never take part.</summary>
    private async Task<(Guid MatchId, List<JsonObject> Matched)> MatchAsync(string intent, string tag)
    {
        var filters = new JsonObject { ["tags"] = new JsonArray(tag) };
        var response = await _client.PostAsJsonAsync("/api/v1/patterns/match",
            new JsonObject { ["intent"] = intent, ["min_confidence"] = 0.0, ["filters"] = filters });
        response.EnsureSuccessStatusCode();
        var body = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        return (body["match_id"]!.GetValue<Guid>(), body["matched_patterns"]!.AsArray().Select(m => m!.AsObject()).ToList());
    }

    private async Task<MatchRecord?> FindRecordAsync(Guid matchId)
    {
        await using var db = pipeline.Database.CreateDbContext();
        return await db.MatchRecords.AsNoTracking().SingleOrDefaultAsync(r => r.MatchId == matchId);
    }
}
