using System.ComponentModel.DataAnnotations;

namespace PatternSync.PatternApi.Idempotency;

/// <summary>Section "Idempotency": how long an Idempotency-Key is remembered, and how much of its answer.</summary>
public sealed class IdempotencyOptions
{
    /// <summary>A retry later than this is treated as a new request.</summary>
    public TimeSpan Retention { get; set; } = TimeSpan.FromHours(24);
    public TimeSpan PruneInterval { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Largest response kept whole for a replay; a larger pattern is read again when replayed.</summary>
    [Range(0, 1024 * 1024)]
    public int MaxStoredResponseBytes { get; set; } = 16 * 1024;
}
