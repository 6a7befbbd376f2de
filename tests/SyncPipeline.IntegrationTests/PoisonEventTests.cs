using PatternSync.Testing;

namespace SyncPipeline.IntegrationTests;

/// <summary>Events the worker cannot use go to the error queue without holding up (or taking along) the ones beside them.</summary>
[Collection(QdrantPipeline.Name)]
public sealed class PoisonEventTests(QdrantPipelineFixture pipeline)
{
    [Fact]
    public async Task A_malformed_body_and_an_unknown_schema_version_go_to_the_error_queue_and_good_events_still_sync()
    {
        var client = pipeline.Api.CreateClient();
        var existing = await pipeline.CreatePatternAsync(client, "Poison: an existing pattern");
        await pipeline.ConvergedAsync([existing]);
        var errorQueue = pipeline.SyncQueue + "_error";
        var errorsBefore = await ErrorCountAsync(errorQueue);
        var exchange = $"{pipeline.ExchangePrefix}PatternSync.Contracts:PatternUpdated";
        const string messageType = "urn:message:PatternSync.Contracts:PatternUpdated";

        await RawEventQueue.PublishAsync(
            pipeline.RabbitMq.Host, pipeline.RabbitMq.Port, exchange, "{\"pattern_id\": \"not a uuid\", oops", messageType);
        await RawEventQueue.PublishAsync(pipeline.RabbitMq.Host, pipeline.RabbitMq.Port, exchange, $$"""
            {"pattern_id": "{{existing}}", "version": 9, "pattern_type": "caching", "name": "from the future", "tags": [],
             "status": "active", "occurred_at": "2026-11-26T00:00:00Z", "schema_version": 99, "changed_fields": ["name"]}
            """, messageType);
        var behind = await pipeline.CreatePatternAsync(client, "Poison: created right behind the bad events");
        await PipelineFixture.PatchAsync(client, existing, """{"status": "deprecated"}""");

        await pipeline.ConvergedAsync([existing, behind]);
        await Eventually.UntilAsync(async () => await ErrorCountAsync(errorQueue) == errorsBefore + 2, PipelineFixture.Settle,
            "both bad events in the error queue");
    }

    [Fact]
    public async Task A_pattern_whose_sync_always_fails_sends_only_its_own_event_to_the_error_queue()
    {
        var client = pipeline.Api.CreateClient();
        var errorQueue = pipeline.SyncQueue + "_error";
        var errorsBefore = await ErrorCountAsync(errorQueue);
        // With the worker stopped, the events wait in the queue and arrive as one batch.
        await pipeline.Worker.DisposeAsync();
        var neighbours = new List<Guid>();
        for (var i = 0; i < 10; i++) neighbours.Add(await pipeline.CreatePatternAsync(client, $"Poison neighbour {i}"));
        var poison = await pipeline.CreatePatternAsync(client, $"Poison: rejected by the model {PoisonEmbeddingGenerator.Marker}");
        for (var i = 10; i < 20; i++) neighbours.Add(await pipeline.CreatePatternAsync(client, $"Poison neighbour {i}"));
        pipeline.Worker = new WorkerHost(pipeline, TimeSpan.Zero).Start();

        await pipeline.ConvergedAsync(neighbours);
        await Eventually.UntilAsync(async () => await ErrorCountAsync(errorQueue) == errorsBefore + 1, PipelineFixture.Settle,
            "the poison event in the error queue");
        Assert.Null(await pipeline.StoredPointAsync(poison));
        Assert.Equal(errorsBefore + 1, await ErrorCountAsync(errorQueue));
    }

    private async Task<uint> ErrorCountAsync(string queue)
    {
        try
        {
            return await RawEventQueue.CountAsync(pipeline.RabbitMq.Host, pipeline.RabbitMq.Port, queue);
        }
        catch (RabbitMQ.Client.Exceptions.OperationInterruptedException)
        {
            return 0; // the error queue is declared on first use
        }
    }
}
