using System.ComponentModel.DataAnnotations;

namespace PatternSync.PatternApi.Outbox;

/// <summary>Section "Outbox": how the relay publishes and prunes outbox rows.</summary>
public sealed class OutboxOptions
{
    /// <summary>Run the relay in this instance (every API instance may; they share rows with SKIP LOCKED).</summary>
    public bool RelayEnabled { get; set; } = true;
    /// <summary>Wake up on LISTEN/NOTIFY at every commit; false leaves only the poll (for comparison).</summary>
    public bool ListenForNotifications { get; set; } = true;
    /// <summary>The fallback when no notification arrives (a lost connection, a missed NOTIFY).</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(2);
    [Range(1, 10_000)]
    public int BatchSize { get; set; } = 200;
    /// <summary>How long one publish may wait for the broker's confirm before the row is retried later.</summary>
    public TimeSpan PublishTimeout { get; set; } = TimeSpan.FromSeconds(10);
    /// <summary>
    /// Attempts after which a row that cannot be published (unknown type, unreadable payload) becomes a dead letter;
    /// a broker outage does not count.
    /// </summary>
    [Range(1, 1000)]
    public int MaxAttempts { get; set; } = 10;
    /// <summary>A failed row waits 1 s, 2 s, 4 s... up to this before its next attempt.</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromMinutes(1);
    /// <summary>Sent rows are deleted after this long (they stay readable for audits and replays until then).</summary>
    public TimeSpan SentRetention { get; set; } = TimeSpan.FromDays(1);
    public TimeSpan PruneInterval { get; set; } = TimeSpan.FromMinutes(1);
    [Range(1, 100_000)]
    public int PruneBatchSize { get; set; } = 1000;
}
