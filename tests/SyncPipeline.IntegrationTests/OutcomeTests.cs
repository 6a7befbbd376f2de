using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using PatternSync.Contracts;

namespace SyncPipeline.IntegrationTests;

public abstract class OutcomeTests(PipelineFixture pipeline)
{
    private readonly HttpClient _client = pipeline.Api.CreateClient();

    [Fact]
    public async Task Parallel_outcomes_lose_no_increment_and_reach_the_index_as_a_payload_update()
    {
        var id = await pipeline.CreatePatternAsync(_client, "Dead-letter queue with replay tooling");
        await pipeline.ConvergedAsync([id]);
        var embedded = CountingEmbeddingGenerator.Texts;

        var results = await Task.WhenAll(Enumerable.Range(0, 24).Select(i =>
            _client.PostAsJsonAsync($"/api/v1/patterns/{id}/outcomes", new { success = i % 4 != 0 })));

        Assert.All(results, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        await pipeline.ConvergedAsync([id]);
        await using var db = pipeline.Database.CreateDbContext();
        var row = await db.Patterns.AsNoTracking().SingleAsync(p => p.PatternId == id);
        Assert.Equal(24, row.MatchCount);
        Assert.Equal(18, row.SuccessCount);
        Assert.Equal(6, row.FailureCount);
        Assert.Equal(0.75, row.SuccessRate);
        Assert.Equal(25, row.Version);
        Assert.NotNull(row.LastMatchedAt);
        Assert.Equal(24, await db.OutboxMessages.CountAsync(m => m.PatternId == id && m.MessageType == nameof(PatternOutcomeRecorded)));

        var payload = (await pipeline.StoredPointAsync(id))!.Value.Payload;
        Assert.Equal(24, payload.MatchCount);
        Assert.Equal(0.75, payload.SuccessRate);
        Assert.Equal(row.LastMatchedAt!.Value.ToUnixTimeSeconds(), payload.LastMatchedAt);
        Assert.Equal(embedded, CountingEmbeddingGenerator.Texts);
    }

    [Theory]
    [InlineData("{}", "success")]
    [InlineData("""{"success": "yes"}""", "success")]
    [InlineData("""{"success": true, "score": 3}""", "score")]
    public async Task An_invalid_outcome_gets_400_and_changes_nothing(string body, string field)
    {
        var id = await pipeline.CreatePatternAsync(_client, "Outbox relay with SKIP LOCKED");

        var response = await _client.PostAsync($"/api/v1/patterns/{id}/outcomes",
            new StringContent(body, System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True((await response.Content.ReadFromJsonAsync<JsonObject>())!["errors"]!.AsObject().ContainsKey(field));
        var current = await _client.GetFromJsonAsync<JsonObject>($"/api/v1/patterns/{id}");
        Assert.Equal(1, current!["version"]!.GetValue<int>());
    }

    [Fact]
    public async Task An_outcome_for_an_absent_pattern_is_404()
    {
        var response = await _client.PostAsJsonAsync($"/api/v1/patterns/{Guid.NewGuid()}/outcomes", new { success = true });

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }
}

[Collection(QdrantPipeline.Name)]
public sealed class OutcomeTestsOnQdrant(QdrantPipelineFixture pipeline) : OutcomeTests(pipeline);

[Collection(PostgresPipeline.Name)]
public sealed class OutcomeTestsOnEmbeddedIndex(PostgresPipelineFixture pipeline) : OutcomeTests(pipeline);
