using System.Security.Claims;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using ModelContextProtocol.Protocol;
using PatternSync.Core.Idempotency;
using PatternSync.PatternApi.Idempotency;
using PatternSync.PatternApi.Security;

namespace PatternSync.PatternApi.Mcp;

/// <summary>
/// The key behind a tool call, authenticated by the /mcp request as any REST request is: its scopes, its name for an
/// outcome row and its idempotency requests.
/// </summary>
public sealed class McpCaller(IHttpContextAccessor http, IOptions<AuthOptions> auth)
{
    private ClaimsPrincipal User => http.HttpContext?.User ?? new ClaimsPrincipal();

    /// <returns>A tool error naming the scope the key lacks, or null when it has it.</returns>
    public CallToolResult? Lacks(string scope) => User.HasClaim(Scopes.ClaimType, scope)
        ? null
        : ToolResults.Error($"Scope missing: this tool needs scope {scope}, which this API key does not have.");

    /// <summary>The key's prefix for an outcome row; without keys every caller is the same trusted local one: nobody to name.</summary>
    public string? Name => auth.Value.RequireApiKeys ? User.Identity?.Name : null;

    /// <summary>
    /// The <c>idempotency_key</c> argument as REST reads the Idempotency-Key header: no request when absent, a tool error
    /// naming it when unusable. The hash covers the tool and its body, so a key reused for another call is refused.
    /// </summary>
    public (IdempotentWrites.Request? Request, CallToolResult? Error) Idempotency(string? key, string tool, JsonObject body)
    {
        if (key is null) return (null, null);
        if (IdempotencyKeys.Problem(key) is { } problem)
        {
            var errors = new Dictionary<string, string[]> { ["idempotency_key"] = [problem] };
            return (null, ToolResults.Invalid("The idempotency_key is not valid", errors));
        }
        return (IdempotencyKeyHeader.For(User, key, $"mcp {tool}", body), null);
    }
}
