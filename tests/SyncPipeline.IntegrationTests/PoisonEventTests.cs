using PatternSync.Testing;

namespace SyncPipeline.IntegrationTests;

/// <summary>Events the worker cannot use go to the error queue without holding up the ones behind them.</summary>
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

        await RawEventQueue.PublishAsync(pipeline.RabbitMq.Host, pipeline.RabbitMq.Port, exchange, "{\"pattern_id\": \"not a uuid\", oops", messageType);
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
