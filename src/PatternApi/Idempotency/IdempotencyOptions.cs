namespace PatternSync.PatternApi.Idempotency;

/// <summary>Section "Idempotency": how long an Idempotency-Key is remembered.</summary>
public sealed class IdempotencyOptions
{
    /// <summary>A retry later than this is treated as a new request.</summary>
    public TimeSpan Retention { get; set; } = TimeSpan.FromHours(24);
    public TimeSpan PruneInterval { get; set; } = TimeSpan.FromMinutes(10);
}
