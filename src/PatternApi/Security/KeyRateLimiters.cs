using System.Security.Claims;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace PatternSync.PatternApi.Security;

/// <summary>What a request spends: one of the key's reads or one of its writes.</summary>
public enum RateKind
{
    Read,
    Write,
}

/// <summary>
/// The per-key read and write budgets, a token bucket per key and kind: the one home that the REST endpoints' policies and
/// the MCP tools both spend from, so a key's writes share one budget however they arrive.
/// </summary>
public sealed class KeyRateLimiters(IOptions<RateLimitOptions> options, IOptions<AuthOptions> auth) : IDisposable
{
    private readonly PartitionedRateLimiter<string> _reads = Buckets(options.Value.ReadsPerSecond, options.Value.ReadBurst);
    private readonly PartitionedRateLimiter<string> _writes = Buckets(options.Value.WritesPerSecond, options.Value.WriteBurst);

    // Without keys there is no caller to meter: the trusted local mode is not rate-limited.
    private bool Metered => auth.Value.RequireApiKeys;

    /// <summary>
    /// The caller's bucket as an ASP.NET policy's partition. The middleware owns (and disposes) the limiter it is given, so
    /// it gets a view that spends from the bucket by key, never the bucket itself.
    /// </summary>
    public RateLimitPartition<string> Partition(RateKind kind, ClaimsPrincipal user) => Metered
        ? RateLimitPartition.Get(KeyOf(user), key => new KeyView(Of(kind), key))
        : RateLimitPartition.GetNoLimiter("local");

    /// <summary>Spends one permit of the kind from the caller's bucket.</summary>
    /// <returns>Null when the caller may go on, else how long until it may retry.</returns>
    public TimeSpan? Refused(RateKind kind, ClaimsPrincipal user)
    {
        if (!Metered) return null;
        using var lease = Of(kind).AttemptAcquire(KeyOf(user));
        return lease.IsAcquired ? null : RateLimits.RetryAfter(lease);
    }

    public void Dispose()
    {
        _reads.Dispose();
        _writes.Dispose();
    }

    private static string KeyOf(ClaimsPrincipal user) => user.FindFirstValue(ClaimTypes.NameIdentifier) ?? "anonymous";

    private PartitionedRateLimiter<string> Of(RateKind kind) => kind == RateKind.Read ? _reads : _writes;

    // Callers always go through the partitioned limiter by key, never hold a bucket, so its own removal of idle buckets is safe.
    private static PartitionedRateLimiter<string> Buckets(int perSecond, int burst) =>
        PartitionedRateLimiter.Create<string, string>(key => RateLimitPartition.GetTokenBucketLimiter(key,
            _ => new TokenBucketRateLimiterOptions
            {
                TokenLimit = burst, TokensPerPeriod = perSecond, ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                QueueLimit = 0, AutoReplenishment = true,
            }));

    /// <summary>Holds no permits of its own: never idle to the middleware, and disposing it leaves the bucket alone.</summary>
    private sealed class KeyView(PartitionedRateLimiter<string> buckets, string key) : RateLimiter
    {
        public override TimeSpan? IdleDuration => null;

        public override RateLimiterStatistics? GetStatistics() => buckets.GetStatistics(key);

        protected override RateLimitLease AttemptAcquireCore(int permitCount) => buckets.AttemptAcquire(key, permitCount);

        protected override ValueTask<RateLimitLease> AcquireAsyncCore(int permitCount, CancellationToken cancellationToken) =>
            buckets.AcquireAsync(key, permitCount, cancellationToken);
    }
}
