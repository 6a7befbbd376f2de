using System.ComponentModel.DataAnnotations;

namespace PatternSync.PatternApi.Security;

/// <summary>Section "RateLimits" (these keys were once under "Auth", still read with a warning).</summary>
public sealed class RateLimitOptions
{
    public const string Section = "RateLimits";

    /// <summary>Writes per second a key may make (token bucket); beyond it, 429 with Retry-After.</summary>
    [Range(1, 100_000)]
    public int WritesPerSecond { get; set; } = 100;
    [Range(1, 100_000)]
    public int WriteBurst { get; set; } = 200;
    /// <summary>Reads per second a key may make (token bucket: list, get, match, sync status); beyond it, 429 with Retry-After.</summary>
    [Range(1, 100_000)]
    public int ReadsPerSecond { get; set; } = 200;
    [Range(1, 100_000)]
    public int ReadBurst { get; set; } = 400;
    /// <summary>Wrong keys one client address may send a minute; beyond it, every key from there gets 429 for the rest of it.</summary>
    [Range(1, 100_000)]
    public int FailedAuthenticationsPerMinute { get; set; } = 10;
}
