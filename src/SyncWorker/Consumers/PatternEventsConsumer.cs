using System.Runtime.ExceptionServices;
using MassTransit;
using Microsoft.Extensions.Options;
using PatternSync.Contracts;
using PatternSync.Core.Hosting;
using PatternSync.Core.Observability;
using PatternSync.SyncWorker.Sync;

namespace PatternSync.SyncWorker.Consumers;

/// <summary>
/// Brings the index up to date for the patterns a batch of events names; a duplicate costs a comparison, never a wrong write.
/// An outage holds the batch until the part is back; a pattern failing on its own is isolated by halving the batch.
/// </summary>
public sealed partial class PatternEventsConsumer<TEvent>(
    PatternSynchronizer synchronizer, IOptions<SyncOptions> options, ILogger<PatternEventsConsumer<TEvent>> logger)
    : IConsumer<Batch<TEvent>>
    where TEvent : PatternEvent
{
    private static readonly string EventName = typeof(TEvent).Name;
    private readonly SyncOptions _options = options.Value;

    public async Task Consume(ConsumeContext<Batch<TEvent>> context)
    {
        var ids = new List<Guid>(context.Message.Length);
        foreach (var message in context.Message)
        {
            if (message.Message.SchemaVersion == PatternEvent.CurrentSchemaVersion) ids.Add(message.Message.PatternId);
            // Retrying cannot help an event of a schema this worker does not know, and failing the batch
            // would take the good events beside it along: move it to the error queue on its own.
            else if (context.GetRetryAttempt() == 0) // a retried batch moved it already
                await RejectAsync(message, $"schema_version {message.Message.SchemaVersion} is not {PatternEvent.CurrentSchemaVersion}");
        }
        if (context.GetRetryAttempt() > 0) SyncWorkerMetrics.Retries.WithLabels(EventName).Inc();

        ids = ids.Distinct().ToList();
        var failures = await SyncThroughOutagesAsync(ids, context.CancellationToken);
        if (failures.Count > 0)
        {
            SyncWorkerMetrics.Events.WithLabels(EventName, "failure").Inc(failures.Count);
            LogBatchFailed(failures.Values.First(), EventName, context.Message.Length, context.GetRetryAttempt(), failures.Keys.ToArray(),
                context.Message.Where(m => failures.ContainsKey(m.Message.PatternId)).Select(m => m.MessageId).ToArray());
            // When every pattern failed, nothing tells a poison event from a fault of this worker: MassTransit
            // retries the batch, then moves it. Otherwise the failing ones get the same retries (their synced
            // neighbours cost a comparison each time), then only they leave.
            if (failures.Count == ids.Count || context.GetRetryAttempt() < _options.RetryLimit)
                ExceptionDispatchInfo.Throw(failures.Values.First());
            foreach (var message in context.Message.Where(m => failures.ContainsKey(m.Message.PatternId)))
            {
                var failure = failures[message.Message.PatternId];
                await RejectAsync(message, $"sync failed: {failure.GetType().Name}: {failure.Message}");
            }
        }
        SyncWorkerMetrics.Events.WithLabels(EventName, "success").Inc(ids.Count(id => !failures.ContainsKey(id)));
        foreach (var message in context.Message.Where(m => !failures.ContainsKey(m.Message.PatternId)))
            LogSynced(EventName, message.Message.PatternId, message.Message.Version, message.MessageId);
    }

    /// <summary>
    /// Syncs the patterns, waiting out an outage with a capped backoff for as long as it lasts (until the worker
    /// stops: then the batch goes back to the queue). Returns the patterns that failed for a reason of their own.
    /// </summary>
    private async Task<Dictionary<Guid, Exception>> SyncThroughOutagesAsync(List<Guid> ids, CancellationToken stopping)
    {
        var delay = _options.RetryMinInterval;
        var waitingSince = (DateTime?)null;
        while (true)
        {
            try
            {
                var failures = new Dictionary<Guid, Exception>();
                await SyncIsolatingFailuresAsync(ids, failures);
                if (waitingSince is not null) LogOutageOver(EventName, ids.Count, DateTime.UtcNow - waitingSince.Value);
                return failures;
            }
            catch (Exception e) when (TransientFailures.IsTransient(e))
            {
                if (waitingSince is null) LogOutage(e, EventName, ids.Count);
                waitingSince ??= DateTime.UtcNow;
                SyncWorkerMetrics.OutageWaits.WithLabels(EventName).Inc();
                await Task.Delay(delay, stopping);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, _options.OutageRetryMaxInterval.Ticks));
            }
        }
    }

    /// <summary>Syncs the patterns; when that fails for a reason of their own, halves the set until each failing one is alone.</summary>
    private async Task SyncIsolatingFailuresAsync(List<Guid> ids, Dictionary<Guid, Exception> failures)
    {
        try
        {
            // A batch that started runs to its end: cancelled half-way on shutdown, MassTransit would
            // count it as a fault and move its events to the error queue instead of redelivering them.
            await synchronizer.SyncAsync(ids, CancellationToken.None);
        }
        catch (Exception e) when (!TransientFailures.IsTransient(e))
        {
            if (ids.Count == 1)
            {
                failures[ids[0]] = e;
                return;
            }
            await SyncIsolatingFailuresAsync(ids[..(ids.Count / 2)], failures);
            await SyncIsolatingFailuresAsync(ids[(ids.Count / 2)..], failures);
        }
    }

    private async Task RejectAsync(ConsumeContext<TEvent> message, string reason)
    {
        await ErrorQueue.MoveAsync(message, reason);
        LogRejected(EventName, message.Message.PatternId, message.Message.Version, message.MessageId, reason);
    }

    [LoggerMessage(LogLevel.Debug, "{EventType} for pattern {PatternId} version {Version} synced (message {MessageId})")]
    private partial void LogSynced(string eventType, Guid patternId, int version, Guid? messageId);

    [LoggerMessage(LogLevel.Warning,
        "{EventType} for pattern {PatternId} version {Version} (message {MessageId}) moved to the error queue: {Reason}")]
    private partial void LogRejected(string eventType, Guid patternId, int version, Guid? messageId, string reason);

    [LoggerMessage(LogLevel.Warning,
        "{EventType} batch of {Count} failed (retry {Attempt}) for patterns {PatternIds}, messages {MessageIds}")]
    private partial void LogBatchFailed(
        Exception exception, string eventType, int count, int attempt, Guid[] patternIds, Guid?[] messageIds);

    [LoggerMessage(LogLevel.Warning,
        "{EventType} batch of {Count} patterns waits for a part that does not answer; retrying until it does (logged once per batch)")]
    private partial void LogOutage(Exception exception, string eventType, int count);

    [LoggerMessage(LogLevel.Information, "{EventType} batch of {Count} patterns synced after waiting {Waited} for an outage to end")]
    private partial void LogOutageOver(string eventType, int count, TimeSpan waited);
}
