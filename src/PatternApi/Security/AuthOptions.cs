using System.ComponentModel.DataAnnotations;

namespace PatternSync.PatternApi.Security;

/// <summary>Section "Auth".</summary>
public sealed class AuthOptions
{
    /// <summary>Require an API key (header X-Api-Key) on the API. Off, every caller has every scope (local development, tests).</summary>
    public bool RequireApiKeys { get; set; } = true;
    /// <summary>Serve /health/live and /health/ready without a key (probes).</summary>
    public bool AnonymousHealth { get; set; } = true;
    /// <summary>Serve /metrics without a key (Prometheus scrapes).</summary>
    public bool AnonymousMetrics { get; set; } = true;
    /// <summary>Writes per second a key may make (token bucket); beyond it, 429 with Retry-After.</summary>
    [Range(1, 100_000)]
    public int WritesPerSecond { get; set; } = 100;
    [Range(1, 100_000)]
    public int WriteBurst { get; set; } = 200;
    /// <summary>Reads per second a key may make (token bucket: lists, gets, matches, sync status); beyond it, 429 with Retry-After.</summary>
    [Range(1, 100_000)]
    public int ReadsPerSecond { get; set; } = 200;
    [Range(1, 100_000)]
    public int ReadBurst { get; set; } = 400;
    /// <summary>Wrong keys one client address may send a minute; beyond it, every key from there gets 429 until the minute is over.</summary>
    [Range(1, 100_000)]
    public int FailedAuthenticationsPerMinute { get; set; } = 10;
    /// <summary>Longest a request may run before it is cancelled.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(30);
}
