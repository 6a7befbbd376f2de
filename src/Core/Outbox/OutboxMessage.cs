namespace PatternSync.Core.Outbox;

/// <summary>
/// An event waiting to be published, written in the same transaction as the pattern change it
/// describes. The relay publishes unsent rows in id order per pattern and marks them sent.
/// </summary>
public sealed class OutboxMessage
{
    public long Id { get; set; }
    /// <summary>The bus message id: the same on every delivery attempt, so consumers can drop duplicates.</summary>
    public Guid MessageId { get; set; }
    /// <summary>The contract's name, e.g. "PatternCreated"; see <see cref="PatternEventTypes"/>.</summary>
    public required string MessageType { get; set; }
    /// <summary>The event as snake_case JSON.</summary>
    public required string Payload { get; set; }
    public Guid PatternId { get; set; }
    public int PatternVersion { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? SentAt { get; set; }
    /// <summary>Publish attempts the row itself could fail (a broker that does not answer is not the row's attempt).</summary>
    public int Attempts { get; set; }
    public string? LastError { get; set; }
    /// <summary>When a failed row may be tried again (backoff); null means now.</summary>
    public DateTimeOffset? NextAttemptAt { get; set; }
    /// <summary>
    /// Set when the row failed <c>Outbox:MaxAttempts</c> times for a reason of its own: it is never published and no longer holds
    /// back its pattern's later rows; it counts as a dead letter until deleted, and reconciliation repairs what it would have changed.
    /// </summary>
    public DateTimeOffset? DeadLetteredAt { get; set; }
    /// <summary>The W3C trace context of the change that wrote it, so its publish and consumption join that trace.</summary>
    public string? TraceParent { get; set; }
}
