using System.Net.Http.Json;
using PatternSync.Testing;

namespace SyncPipeline.IntegrationTests;

public abstract class EventContractTests(PipelineFixture pipeline)
{
    [Fact]
    public async Task A_plain_RabbitMQ_client_reads_the_events_as_snake_case_JSON()
    {
        var client = pipeline.Api.CreateClient();
        var exchanges = new[] { "PatternCreated", "PatternUpdated", "PatternDeleted" }
            .Select(e => $"{pipeline.ExchangePrefix}PatternSync.Contracts:{e}");
        await using var queue = await RawEventQueue.BindAsync(pipeline.RabbitMq.Host, pipeline.RabbitMq.Port, exchanges);

        var id = await pipeline.CreatePatternAsync(client, "Stale-while-revalidate at the CDN");
        await PipelineFixture.PatchAsync(client, id, """{"status": "deprecated"}""");
        (await client.DeleteAsync($"/api/v1/patterns/{id}")).EnsureSuccessStatusCode();

        var events = new List<RawEvent>();
        await Eventually.UntilAsync(async () =>
        {
            events.AddRange(await queue.DrainAsync());
            return events.Count(e => e.Body["pattern_id"]?.GetValue<Guid>() == id) == 3;
        }, PipelineFixture.Settle, "three events for the pattern");

        var mine = events
            .Where(e => e.Body["pattern_id"]!.GetValue<Guid>() == id)
            .OrderBy(e => e.Body["version"]!.GetValue<int>())
            .ToList();
        Assert.Equal(["PatternCreated", "PatternUpdated", "PatternDeleted"], mine.Select(e => e.Exchange.Split(':')[^1]));
        Assert.Equal([1, 2, 3], mine.Select(e => e.Body["version"]!.GetValue<int>()));
        Assert.All(mine, e =>
        {
            Assert.Equal("application/json", e.ContentType);
            Assert.False(string.IsNullOrEmpty(e.MessageId));
            Assert.Equal("caching", e.Body["pattern_type"]!.GetValue<string>());
            Assert.Equal(1, e.Body["schema_version"]!.GetValue<int>());
            Assert.NotNull(e.Body["occurred_at"]);
        });
        Assert.Equal(["status"], mine[1].Body["changed_fields"]!.AsArray().Select(f => f!.GetValue<string>()));
        Assert.Equal("deprecated", mine[2].Body["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task An_outcome_event_carries_its_match_id_or_null()
    {
        var client = pipeline.Api.CreateClient();
        var exchange = $"{pipeline.ExchangePrefix}PatternSync.Contracts:PatternOutcomeRecorded";
        await using var queue = await RawEventQueue.BindAsync(pipeline.RabbitMq.Host, pipeline.RabbitMq.Port, [exchange]);
        var id = await pipeline.CreatePatternAsync(client, "Circuit breaker around the payment provider");
        var matchId = Guid.NewGuid();

        var outcomes = $"/api/v1/patterns/{id}/outcomes";
        (await client.PostAsJsonAsync(outcomes, new { success = true, match_id = matchId })).EnsureSuccessStatusCode();
        (await client.PostAsJsonAsync(outcomes, new { success = false })).EnsureSuccessStatusCode();

        var events = new List<RawEvent>();
        await Eventually.UntilAsync(async () =>
        {
            events.AddRange(await queue.DrainAsync());
            return events.Count(e => e.Body["pattern_id"]?.GetValue<Guid>() == id) == 2;
        }, PipelineFixture.Settle, "two outcome events for the pattern");

        var mine = events.Where(e => e.Body["pattern_id"]!.GetValue<Guid>() == id)
            .OrderBy(e => e.Body["version"]!.GetValue<int>()).ToList();
        Assert.Equal(matchId, mine[0].Body["match_id"]!.GetValue<Guid>());
        Assert.True(mine[1].Body.ContainsKey("match_id"));
        Assert.Null(mine[1].Body["match_id"]);
    }
}

[Collection(QdrantPipeline.Name)]
public sealed class EventContractTestsOnQdrant(QdrantPipelineFixture pipeline) : EventContractTests(pipeline);
