using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;

namespace PatternSync.PatternApi.Security;

/// <summary>The REST endpoints' read and write policies over <see cref="KeyRateLimiters"/>, and the one 429 answer they give.</summary>
public static class RateLimits
{
    public const string ReadPolicy = "reads";
    public const string WritePolicy = "writes";

    public static void AddPolicies(RateLimiterOptions limiter)
    {
        limiter.AddPolicy(ReadPolicy, http => PerKey(http, RateKind.Read));
        limiter.AddPolicy(WritePolicy, http => PerKey(http, RateKind.Write));
        limiter.OnRejected = (context, _) =>
        {
            var policy = context.HttpContext.GetEndpoint()?.Metadata.GetMetadata<EnableRateLimitingAttribute>()?.PolicyName;
            var kind = policy == ReadPolicy ? RateKind.Read : RateKind.Write;
            return new ValueTask(TooManyAsync(context.HttpContext, RetryAfter(context.Lease), Title(kind),
                $"{Used(kind)}; retry after the Retry-After seconds."));
        };
    }

    /// <summary>The title of a refusal for the kind's rate, in a 429 and in an MCP tool error alike.</summary>
    public static string Title(RateKind kind) => kind == RateKind.Read ? "Too many reads" : "Too many writes";

    /// <summary>What the refused key has used up: the start of the refusal's detail.</summary>
    public static string Used(RateKind kind) => $"This API key has used its {(kind == RateKind.Read ? "read" : "write")} rate";

    /// <summary>When a refused caller may try again, in whole seconds (at least 1), as Retry-After gives it.</summary>
    public static int RetryAfterSeconds(TimeSpan retryAfter) => Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));

    /// <summary>The wait a refused lease names (one second when it names none).</summary>
    public static TimeSpan RetryAfter(RateLimitLease lease) =>
        lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? after : TimeSpan.FromSeconds(1);

    /// <summary>429 with Retry-After in whole seconds (at least 1) and a ProblemDetails body.</summary>
    public static Task TooManyAsync(HttpContext http, TimeSpan retryAfter, string title, string detail)
    {
        http.Response.Headers.RetryAfter = RetryAfterSeconds(retryAfter).ToString(CultureInfo.InvariantCulture);
        http.Response.StatusCode = StatusCodes.Status429TooManyRequests;
        return Results.Problem(statusCode: StatusCodes.Status429TooManyRequests, title: title, detail: detail).ExecuteAsync(http);
    }

    private static RateLimitPartition<string> PerKey(HttpContext http, RateKind kind) =>
        http.RequestServices.GetRequiredService<KeyRateLimiters>().Partition(kind, http.User);
}
