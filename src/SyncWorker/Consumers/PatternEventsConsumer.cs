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
        var ids = new List<Guid>(context.Message.Length);
        foreach (var message in context.Message)
        {
            if (message.Message.SchemaVersion == PatternEvent.CurrentSchemaVersion) ids.Add(message.Message.PatternId);
            // Retrying cannot help an event of a schema this worker does not know, and failing the batch
            // would take the good events beside it along: move it to the error queue on its own.
            else if (context.GetRetryAttempt() == 0) // a retried batch moved it already
                await ErrorQueue.MoveAsync(message, $"schema_version {message.Message.SchemaVersion} is not {PatternEvent.CurrentSchemaVersion}");
        }
        var eventName = typeof(TEvent).Name;
        if (context.GetRetryAttempt() > 0) SyncWorkerMetrics.Retries.WithLabels(eventName).Inc();
        try
        {
            // A batch that started runs to its end: cancelled half-way on shutdown, MassTransit would
            // count it as a fault and move its events to the error queue instead of redelivering them.
            await synchronizer.SyncAsync(ids, CancellationToken.None);
        }
        catch
        {
            SyncWorkerMetrics.Events.WithLabels(eventName, "failure").Inc(ids.Count);
            throw;
        }
        SyncWorkerMetrics.Events.WithLabels(eventName, "success").Inc(ids.Count);
        foreach (var message in context.Message)
            LogSynced(typeof(TEvent).Name, message.Message.PatternId, message.Message.Version, message.MessageId);
    }

    [LoggerMessage(LogLevel.Debug, "{EventType} for pattern {PatternId} version {Version} synced (message {MessageId})")]
    private partial void LogSynced(string eventType, Guid patternId, int version, Guid? messageId);
}
