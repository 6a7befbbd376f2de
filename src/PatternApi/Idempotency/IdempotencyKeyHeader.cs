using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.HttpResults;
using PatternSync.Core.Idempotency;

namespace PatternSync.PatternApi.Idempotency;

/// <summary>The <c>Idempotency-Key</c> header of a REST write, and the header that marks a replayed answer.</summary>
public static class IdempotencyKeyHeader
{
    public const string ReplayedHeader = "Idempotent-Replayed";

    /// <summary>Reads the header: no request when it is absent, a 400 naming it when it is unusable.</summary>
    public static (IdempotentWrites.Request? Request, ValidationProblem? Problem) Read(HttpRequest http, JsonObject body)
    {
        if (!http.Headers.TryGetValue(IdempotencyKeys.Header, out var values)) return (null, null);
        var key = values.ToString();
        var problem = values.Count != 1 ? "must be sent once." : IdempotencyKeys.Problem(key);
        if (problem is not null)
            return (null, TypedResults.ValidationProblem(new Dictionary<string, string[]> { [IdempotencyKeys.Header] = [problem] },
                title: "The Idempotency-Key header is not valid"));
        return (For(http.HttpContext.User, key, $"{http.Method} {http.Path}", body), null);
    }

    /// <summary>
    /// A usable key's request: the caller's key, and a hash of the write it came with (its target, e.g. method and path,
    /// and its body), so a key reused for another write is refused.
    /// </summary>
    public static IdempotentWrites.Request For(ClaimsPrincipal user, string key, string target, JsonObject body)
    {
        var caller = user.FindFirstValue(ClaimTypes.NameIdentifier) ?? "";
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{target}\n{body.ToJsonString()}")));
        return new IdempotentWrites.Request(caller, key, hash);
    }
}
