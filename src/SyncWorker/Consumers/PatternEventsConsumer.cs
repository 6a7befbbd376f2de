using MassTransit;
using PatternSync.Contracts;
using PatternSync.Core.Observability;
using PatternSync.SyncWorker.Sync;

namespace PatternSync.SyncWorker.Consumers;

/// <summary>
/// Consumes a batch of pattern events of one kind and brings the index up to date for the patterns
/// they name. Redelivered or duplicate events cost a comparison, never a wrong write.
/// </summary>
public sealed partial class PatternEventsConsumer<TEvent>(PatternSynchronizer synchronizer, ILogger<PatternEventsConsumer<TEvent>> logger)
    : IConsumer<Batch<TEvent>>
    where TEvent : PatternEvent
{
    public async Task Consume(ConsumeContext<Batch<TEvent>> context)
    {
        var eventName = typeof(TEvent).Name;
        var ids = new List<Guid>(context.Message.Length);
        foreach (var message in context.Message)
        {
            if (message.Message.SchemaVersion == PatternEvent.CurrentSchemaVersion) ids.Add(message.Message.PatternId);
            // Retrying cannot help an event of a schema this worker does not know, and failing the batch
            // would take the good events beside it along: move it to the error queue on its own.
            else if (context.GetRetryAttempt() == 0) // a retried batch moved it already
            {
                var reason = $"schema_version {message.Message.SchemaVersion} is not {PatternEvent.CurrentSchemaVersion}";
                await ErrorQueue.MoveAsync(message, reason);
                LogRejected(eventName, message.Message.PatternId, message.Message.Version, message.MessageId, reason);
            }
        }
        if (context.GetRetryAttempt() > 0) SyncWorkerMetrics.Retries.WithLabels(eventName).Inc();
        try
        {
            // A batch that started runs to its end: cancelled half-way on shutdown, MassTransit would
            // count it as a fault and move its events to the error queue instead of redelivering them.
            await synchronizer.SyncAsync(ids, CancellationToken.None);
        }
        catch (Exception e)
        {
            SyncWorkerMetrics.Events.WithLabels(eventName, "failure").Inc(ids.Count);
            // One line per batch and attempt (MassTransit retries it, then moves it to the error queue).
            LogBatchFailed(e, eventName, context.Message.Length, context.GetRetryAttempt(),
                context.Message.Select(m => m.Message.PatternId).ToArray(), context.Message.Select(m => m.Message.Version).ToArray(),
                context.Message.Select(m => m.MessageId).ToArray());
            throw;
        }
        SyncWorkerMetrics.Events.WithLabels(eventName, "success").Inc(ids.Count);
        foreach (var message in context.Message)
            LogSynced(eventName, message.Message.PatternId, message.Message.Version, message.MessageId);
    }

    [LoggerMessage(LogLevel.Debug, "{EventType} for pattern {PatternId} version {Version} synced (message {MessageId})")]
    private partial void LogSynced(string eventType, Guid patternId, int version, Guid? messageId);

    [LoggerMessage(LogLevel.Warning, "{EventType} for pattern {PatternId} version {Version} (message {MessageId}) moved to the error queue: {Reason}")]
    private partial void LogRejected(string eventType, Guid patternId, int version, Guid? messageId, string reason);

    [LoggerMessage(LogLevel.Warning, "{EventType} batch of {Count} failed (retry {Attempt}): patterns {PatternIds}, versions {Versions}, messages {MessageIds}")]
    private partial void LogBatchFailed(Exception exception, string eventType, int count, int attempt, Guid[] patternIds, int[] versions, Guid?[] messageIds);
}
