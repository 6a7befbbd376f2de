namespace PatternSync.Core.Outbox;

/// <summary>
/// The PostgreSQL NOTIFY channel a trigger on <c>outbox_messages</c> signals at commit, so the relay
/// wakes within milliseconds instead of waiting for its poll interval.
/// </summary>
public static class OutboxChannel
{
    public const string Name = "patternsync_outbox";
}
