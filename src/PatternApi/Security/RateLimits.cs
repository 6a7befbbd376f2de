using System.Globalization;
using System.Security.Claims;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace PatternSync.PatternApi.Security;

/// <summary>The per-key read and write rates, and the one 429 answer every limit gives.</summary>
public static class RateLimits
{
    public const string ReadPolicy = "reads";
    public const string WritePolicy = "writes";

    public static void AddPolicies(RateLimiterOptions limiter)
    {
        limiter.AddPolicy(ReadPolicy, http => PerKey(http, limits => (limits.ReadsPerSecond, limits.ReadBurst)));
        limiter.AddPolicy(WritePolicy, http => PerKey(http, limits => (limits.WritesPerSecond, limits.WriteBurst)));
        limiter.OnRejected = (context, _) =>
        {
            var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? after : TimeSpan.FromSeconds(1);
            var reads = context.HttpContext.GetEndpoint()?.Metadata.GetMetadata<EnableRateLimitingAttribute>()?.PolicyName == ReadPolicy;
            return new ValueTask(TooManyAsync(context.HttpContext, retryAfter, reads ? "Too many reads" : "Too many writes",
                $"This API key has used its {(reads ? "read" : "write")} rate; retry after the Retry-After seconds."));
        };
    }

    /// <summary>429 with Retry-After in whole seconds (at least 1) and a ProblemDetails body.</summary>
    public static Task TooManyAsync(HttpContext http, TimeSpan retryAfter, string title, string detail)
    {
        http.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        http.Response.StatusCode = StatusCodes.Status429TooManyRequests;
        return Results.Problem(statusCode: StatusCodes.Status429TooManyRequests, title: title, detail: detail).ExecuteAsync(http);
    }

    /// <summary>A token bucket per API key.</summary>
    private static RateLimitPartition<string> PerKey(HttpContext http, Func<RateLimitOptions, (int PerSecond, int Burst)> rate)
    {
        // Without keys there is no caller to meter: the trusted local mode is not rate-limited.
        if (!http.RequestServices.GetRequiredService<IOptions<AuthOptions>>().Value.RequireApiKeys)
            return RateLimitPartition.GetNoLimiter("local");
        var (perSecond, burst) = rate(http.RequestServices.GetRequiredService<IOptions<RateLimitOptions>>().Value);
        return RateLimitPartition.GetTokenBucketLimiter(http.User.FindFirstValue(ClaimTypes.NameIdentifier) ?? "anonymous",
            _ => new TokenBucketRateLimiterOptions
            {
                TokenLimit = burst, TokensPerPeriod = perSecond, ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                QueueLimit = 0, AutoReplenishment = true,
            });
    }
}
