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
        var caller = http.HttpContext.User.FindFirstValue(ClaimTypes.NameIdentifier) ?? "";
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{http.Method} {http.Path}\n{body.ToJsonString()}")));
        return (new IdempotentWrites.Request(caller, key, hash), null);
    }
}
