using System.Net;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace PatternSync.PatternApi.Security;

/// <summary>
/// Counts wrong API keys per client address in a fixed one-minute window, so keys cannot be guessed
/// at the rate the server answers. Behind a proxy the address is the proxy's unless forwarded headers
/// are configured.
/// </summary>
public sealed class FailedAuthenticationThrottle(IOptions<RateLimitOptions> options) : IDisposable
{
    private readonly PartitionedRateLimiter<IPAddress?> _failures = PartitionedRateLimiter.Create<IPAddress?, string>(address =>
        RateLimitPartition.GetFixedWindowLimiter(address?.ToString() ?? "unknown", _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = options.Value.FailedAuthenticationsPerMinute, Window = TimeSpan.FromMinutes(1),
            QueueLimit = 0, AutoReplenishment = true,
        }));

    /// <returns>How long the address must wait before a key from it is looked at again, or null if it may try now.</returns>
    public TimeSpan? Blocked(IPAddress? address)
    {
        using var lease = _failures.AttemptAcquire(address, 0); // 0 permits: asks, takes nothing
        if (lease.IsAcquired) return null;
        return lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? retryAfter : TimeSpan.FromMinutes(1);
    }

    public void Failed(IPAddress? address) => _failures.AttemptAcquire(address).Dispose();

    public void Dispose() => _failures.Dispose();
}
