using Microsoft.EntityFrameworkCore;
using PatternSync.Testing;

namespace SyncPipeline.IntegrationTests;

/// <summary>Parts fail or double up while changes are written; every change still reaches the index, once in effect.</summary>
public abstract class SyncFaultTests(PipelineFixture pipeline)
{
    private readonly HttpClient _client = pipeline.Api.CreateClient();

    [Fact]
    public async Task Changes_written_while_the_broker_is_down_all_arrive_after_it_returns()
    {
        await pipeline.RabbitMq.StopBrokerAsync();
        List<Guid> ids;
        try
        {
            ids = await WriteBurstAsync(_client, "broker-down", 20);
        }
        finally
        {
            await pipeline.RabbitMq.StartBrokerAsync();
        }

        await pipeline.ConvergedAsync(ids);
        await Eventually.UntilAsync(async () => await pipeline.Database.CountUnsentAsync() == 0,
            PipelineFixture.Settle, "the outbox to be drained");
    }

    [Fact]
    public async Task A_worker_stopped_mid_stream_loses_nothing_once_a_worker_runs_again()
    {
        var first = await WriteBurstAsync(_client, "before-stop", 40);
        await Eventually.UntilAsync(async () => await IndexedCountAsync(first) > 0, PipelineFixture.Settle, "the worker to start indexing");
        await pipeline.Worker.DisposeAsync();

        var second = await WriteBurstAsync(_client, "while-stopped", 20);
        Assert.True(await IndexedCountAsync(second) < second.Count);
        pipeline.Worker = new WorkerHost(pipeline, TimeSpan.Zero).Start();

        await pipeline.ConvergedAsync([.. first, .. second]);
    }

    [Fact]
    public async Task Two_relays_publish_each_row_exactly_once()
    {
        await using var secondApi = new ApiHost(pipeline);
        var clients = new[] { _client, secondApi.CreateClient() };
        var exchanges = new[] { "PatternCreated", "PatternUpdated", "PatternDeleted" }
            .Select(e => $"{pipeline.ExchangePrefix}PatternSync.Contracts:{e}");
        await using var queue = await RawEventQueue.BindAsync(pipeline.RabbitMq.Host, pipeline.RabbitMq.Port, exchanges);

        var bursts = await Task.WhenAll(clients.Select((client, i) => WriteBurstAsync(client, $"relay-{i}", 25)));
        var ids = bursts.SelectMany(x => x).ToList();
        await pipeline.ConvergedAsync(ids);
        await Eventually.UntilAsync(async () => await pipeline.Database.CountUnsentAsync() == 0,
            PipelineFixture.Settle, "the outbox to be drained");

        await using var db = pipeline.Database.CreateDbContext();
        var rows = await db.OutboxMessages.Where(m => ids.Contains(m.PatternId)).Select(m => m.MessageId.ToString()).ToListAsync();
        var received = new List<RawEvent>();
        await Eventually.UntilAsync(async () =>
        {
            received.AddRange(await queue.DrainAsync());
            return rows.All(id => received.Any(e => e.MessageId == id));
        }, PipelineFixture.Settle, "every outbox row on the raw queue");
        var mine = received.Where(e => rows.Contains(e.MessageId!)).ToList();
        Assert.Equal(rows.Count, mine.Count);
        Assert.Equal(rows.Count, mine.Select(e => e.MessageId).Distinct().Count());
    }

    [Fact]
    public async Task With_two_workers_and_a_slow_one_the_newest_version_wins()
    {
        await using var slowWorker = new WorkerHost(pipeline, TimeSpan.FromMilliseconds(300)).Start();
        var id = await pipeline.CreatePatternAsync(_client, "Cache warming after deploy");

        for (var i = 1; i <= 8; i++)
            await PipelineFixture.PatchAsync(_client, id,
                $$"""{"description": "Warm the {{i * 100}} hottest keys before traffic shifts."}""");

        await pipeline.ConvergedAsync([id]);
        var held = (await pipeline.Index.GetAsync([id]))[id];
        Assert.Equal(9, held.Version);
    }

    /// <summary>Creates patterns, updates half of them, deletes a quarter.</summary>
    private static async Task<List<Guid>> WriteBurstAsync(HttpClient client, string label, int count)
    {
        var ids = new List<Guid>();
        for (var i = 0; i < count; i++)
            ids.Add(await PipelineFixture.CreatePatternStaticAsync(client, $"{label} pattern {i}"));
        for (var i = 0; i < count; i += 2)
            await PipelineFixture.PatchAsync(client, ids[i], $$"""{"description": "Updated while testing {{label}} ({{i}})."}""");
        for (var i = 1; i < count; i += 4)
            (await client.DeleteAsync($"/api/v1/patterns/{ids[i]}")).EnsureSuccessStatusCode();
        return ids;
    }

    private async Task<int> IndexedCountAsync(IReadOnlyCollection<Guid> ids)
    {
        await using var db = pipeline.Database.CreateDbContext();
        return await db.Patterns.CountAsync(p => ids.Contains(p.PatternId) && p.IndexedVersion != null);
    }
}

[Collection(QdrantPipeline.Name)]
public sealed class SyncFaultTestsOnQdrant(QdrantPipelineFixture pipeline) : SyncFaultTests(pipeline);

[Collection(PostgresPipeline.Name)]
public sealed class SyncFaultTestsOnEmbeddedIndex(PostgresPipelineFixture pipeline) : SyncFaultTests(pipeline);
