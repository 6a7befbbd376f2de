using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using PatternSync.Core.Hosting;
using PatternSync.Testing;

namespace SyncPipeline.IntegrationTests;

/// <summary>One trace follows a change: the producer's request, the outbox relay's publish, the worker's consume.</summary>
[Collection(PostgresPipeline.Name)]
public sealed class TracingTests(PostgresPipelineFixture pipeline)
{
    [Fact]
    public async Task A_change_is_one_trace_from_the_producers_request_through_the_outbox_to_the_worker()
    {
        var traceId = ActivityTraceId.CreateRandom();
        var spans = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            // What the hosts' tracer provider listens to when traces are exported (none is configured here).
            ShouldListenTo = source => source.Name is "Microsoft.AspNetCore" or "MassTransit" or Tracing.OutboxSourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity => { if (activity.TraceId == traceId) spans.Enqueue(activity); },
        };
        ActivitySource.AddActivityListener(listener);

        var client = pipeline.Api.CreateClient();
        client.DefaultRequestHeaders.Add("traceparent", $"00-{traceId}-{ActivitySpanId.CreateRandom()}-01");
        var id = await pipeline.CreatePatternAsync(client, "Traced from its request to the index");
        await pipeline.ConvergedAsync([id]);

        await using (var db = pipeline.Database.CreateDbContext())
            Assert.StartsWith($"00-{traceId}-",
                await db.OutboxMessages.Where(m => m.PatternId == id).Select(m => m.TraceParent).SingleAsync());
        await Eventually.UntilAsync(
            () => Task.FromResult(spans.Any(s => s.Source.Name == "MassTransit" && s.Kind == ActivityKind.Consumer)),
            PipelineFixture.Settle, "the worker's consume span in the request's trace");
        Assert.Contains(spans, s =>
            s.Source.Name == Tracing.OutboxSourceName && s.Kind == ActivityKind.Producer && s.DisplayName == "publish PatternCreated");
    }
}
