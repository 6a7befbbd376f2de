using System.Diagnostics;
using System.Text.Json;
using PatternSync.Contracts;
using PatternSync.Core.Patterns;
using PatternSync.Core.Serialization;

namespace PatternSync.Core.Outbox;

/// <summary>Builds the events of a pattern change and the outbox rows that carry them.</summary>
public static class OutboxMessageFactory
{
    public static OutboxMessage Created(SuccessPattern pattern, DateTimeOffset now) =>
        For(new PatternCreated
        {
            PatternId = pattern.PatternId, Version = pattern.Version, PatternType = pattern.PatternType,
            Name = pattern.Name, Tags = pattern.Tags, Status = pattern.Status, OccurredAt = now,
        }, now);

    public static OutboxMessage Updated(SuccessPattern pattern, IReadOnlyList<string> changedFields, DateTimeOffset now) =>
        For(new PatternUpdated
        {
            PatternId = pattern.PatternId, Version = pattern.Version, PatternType = pattern.PatternType,
            Name = pattern.Name, Tags = pattern.Tags, Status = pattern.Status, OccurredAt = now,
            ChangedFields = changedFields,
        }, now);

    public static OutboxMessage Deleted(SuccessPattern pattern, DateTimeOffset now) =>
        For(new PatternDeleted
        {
            PatternId = pattern.PatternId, Version = pattern.Version, PatternType = pattern.PatternType,
            Name = pattern.Name, Tags = pattern.Tags, Status = pattern.Status, OccurredAt = now,
        }, now);

    public static OutboxMessage OutcomeRecorded(SuccessPattern pattern, PatternOutcome outcome) =>
        For(new PatternOutcomeRecorded
        {
            PatternId = pattern.PatternId, Version = pattern.Version, PatternType = pattern.PatternType,
            Name = pattern.Name, Tags = pattern.Tags, Status = pattern.Status, OccurredAt = outcome.RecordedAt,
            Success = outcome.Success, MatchCount = pattern.MatchCount, SuccessRate = pattern.SuccessRate, MatchId = outcome.MatchId,
        }, outcome.RecordedAt);

    private static OutboxMessage For(PatternEvent patternEvent, DateTimeOffset now) => new()
    {
        MessageId = Guid.CreateVersion7(now),
        MessageType = patternEvent.GetType().Name,
        Payload = JsonSerializer.Serialize(patternEvent, patternEvent.GetType(), PatternJson.Options),
        PatternId = patternEvent.PatternId,
        PatternVersion = patternEvent.Version,
        CreatedAt = now,
        // Only a W3C id fits the column; a caller's hierarchical Request-Id could be any length.
        TraceParent = Activity.Current is { IdFormat: ActivityIdFormat.W3C } current ? current.Id : null,
    };
}
