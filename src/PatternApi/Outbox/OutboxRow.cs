namespace PatternSync.PatternApi.Outbox;

/// <summary>An unsent outbox row as the relay claims it.</summary>
public sealed record OutboxRow(long Id, Guid MessageId, string MessageType, string Payload, Guid PatternId, int PatternVersion,
    int Attempts, string? TraceParent);

/// <summary>
/// A row whose publish failed, and when to try it again; <paramref name="RowAtFault"/> when the row itself failed
/// (not the broker), <paramref name="DeadLetter"/> when that was its last attempt.
/// </summary>
public sealed record OutboxFailure(long Id, string Error, DateTimeOffset NextAttemptAt, bool RowAtFault, bool DeadLetter);
