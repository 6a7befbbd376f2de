using System.Security.Claims;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using ModelContextProtocol.Protocol;
using PatternSync.Core.Idempotency;
using PatternSync.PatternApi.Idempotency;
using PatternSync.PatternApi.Security;

namespace PatternSync.PatternApi.Mcp;

/// <summary>
/// The key behind a tool call, authenticated by the /mcp request as any REST request is: its scopes, its rates, its name
/// for an outcome row and its idempotency requests.
/// </summary>
public sealed class McpCaller(IHttpContextAccessor http, IOptions<AuthOptions> auth, KeyRateLimiters rates)
{
    private ClaimsPrincipal User => http.HttpContext?.User ?? new ClaimsPrincipal();

    /// <summary>
    /// Admits the call as REST admits the endpoint: the key needs the scope, then spends one of its writes (write scope) or
    /// reads, from the budget its REST calls spend too.
    /// </summary>
    /// <returns>A tool error naming the missing scope or the used rate, or null when the call may go on.</returns>
    public CallToolResult? Refuses(string scope)
    {
        if (!User.HasClaim(Scopes.ClaimType, scope))
            return ToolResults.Error($"Scope missing: this tool needs scope {scope}, which this API key does not have.");
        var kind = scope == Scopes.PatternsWrite ? RateKind.Write : RateKind.Read;
        return rates.Refused(kind, User) is { } retryAfter
            ? ToolResults.Error($"{RateLimits.Title(kind)}: {RateLimits.Used(kind)} (rate limit exceeded); " +
                $"retry after {RateLimits.RetryAfterSeconds(retryAfter)} second(s).")
            : null;
    }

    /// <summary>The key's prefix for an outcome row; without keys every caller is the same trusted local one: nobody to name.</summary>
    public string? Name => auth.Value.RequireApiKeys ? User.Identity?.Name : null;

    /// <summary>
    /// The <c>idempotency_key</c> argument as REST reads the Idempotency-Key header: no request when absent, a tool error
    /// naming it when unusable. The hash covers the tool and its body, so a key reused for another call is refused.
    /// </summary>
    public (IdempotentWrites.Request? Request, CallToolResult? Error) Idempotency(JsonNode? argument, string tool, JsonObject body)
    {
        if (argument is null) return (null, null);
        var key = argument is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;
        if ((key is null ? $"must be a string of 1 to {IdempotencyKeys.MaxLength} characters." : IdempotencyKeys.Problem(key))
            is { } problem)
        {
            var errors = new Dictionary<string, string[]> { ["idempotency_key"] = [problem] };
            return (null, ToolResults.Invalid("The idempotency_key is not valid", errors));
        }
        return (IdempotencyKeyHeader.For(User, key!, $"mcp {tool}", body), null);
    }
}
