namespace PatternSync.PatternApi.Security;

/// <summary>Section "Auth": who must show an API key.</summary>
public sealed class AuthOptions
{
    /// <summary>Require an API key (header X-Api-Key) on the API. Off, every caller has every scope (local development, tests).</summary>
    public bool RequireApiKeys { get; set; } = true;
    /// <summary>Serve /health/live and /health/ready without a key (probes).</summary>
    public bool AnonymousHealth { get; set; } = true;
    /// <summary>Serve /metrics without a key (Prometheus scrapes).</summary>
    public bool AnonymousMetrics { get; set; } = true;
}
