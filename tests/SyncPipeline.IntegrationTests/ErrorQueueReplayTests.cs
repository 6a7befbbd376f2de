extern alias worker;
using PatternSync.Core.Messaging;
using PatternSync.Testing;
using ErrorQueue = worker::PatternSync.SyncWorker.Consumers.ErrorQueue;

namespace SyncPipeline.IntegrationTests;

/// <summary>`PatternSync.SyncWorker replay-errors`: what waits in the error queue goes back to the worker, and reaches the index.</summary>
[Collection(PostgresPipeline.Name)]
public sealed class ErrorQueueReplayTests(PostgresPipelineFixture pipeline)
{
    [Fact]
    public async Task Replaying_the_error_queue_moves_its_events_back_and_the_worker_applies_them()
    {
        var client = pipeline.Api.CreateClient();
        var id = await pipeline.CreatePatternAsync(client, "Replay: a change whose event went to the error queue");
        await pipeline.ConvergedAsync([id]);
        // A change whose event gave up and went to the error queue (as one did in an outage before the worker waited them out).
        await pipeline.Database.ExecuteAsync($"UPDATE success_patterns SET status = 'deprecated', version = 2 WHERE pattern_id = '{id}'");
        var errorQueue = pipeline.SyncQueue + "_error";
        await RawEventQueue.DeclareAsync(pipeline.RabbitMq.Host, pipeline.RabbitMq.Port, errorQueue);
        await RawEventQueue.PublishAsync(pipeline.RabbitMq.Host, pipeline.RabbitMq.Port, "", $$"""
            {"pattern_id": "{{id}}", "version": 2, "pattern_type": "caching", "name": "replayed", "tags": [],
             "status": "deprecated", "occurred_at": "2026-11-26T00:00:00Z", "schema_version": 1, "changed_fields": ["status"]}
            """, "urn:message:PatternSync.Contracts:PatternUpdated", routingKey: errorQueue);
        var waiting = await RawEventQueue.CountAsync(pipeline.RabbitMq.Host, pipeline.RabbitMq.Port, errorQueue);

        var rabbit = new RabbitMqOptions
        {
            Host = pipeline.RabbitMq.Host, Port = pipeline.RabbitMq.Port, EntityPrefix = pipeline.ExchangePrefix,
        };
        var replayed = await ErrorQueue.ReplayAsync(
            rabbit, [pipeline.SyncQueue, pipeline.ExchangePrefix + "never-declared"], CancellationToken.None);

        Assert.Equal([(pipeline.SyncQueue, (int)waiting), (pipeline.ExchangePrefix + "never-declared", 0)], replayed);
        await pipeline.ConvergedAsync([id]);
        Assert.Equal("deprecated", (await pipeline.StoredPointAsync(id))!.Value.Payload.Status);
        Assert.Equal(0u, await RawEventQueue.CountAsync(pipeline.RabbitMq.Host, pipeline.RabbitMq.Port, errorQueue));
    }
}
