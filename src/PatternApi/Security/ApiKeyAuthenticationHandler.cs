using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace PatternSync.PatternApi.Security;

/// <summary>
/// Authenticates X-Api-Key (or Authorization: Bearer) against the stored keys; with Auth:RequireApiKeys off every caller is
/// local with every scope. Only a key's prefix is logged; a throttled address gets 429 before its key is read
/// (<see cref="FailedAuthenticationThrottle"/>).
/// </summary>
public sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> schemeOptions, ILoggerFactory loggerFactory, UrlEncoder encoder,
    ApiKeyStore keys, IOptions<AuthOptions> auth, FailedAuthenticationThrottle failures)
    : AuthenticationHandler<AuthenticationSchemeOptions>(schemeOptions, loggerFactory, encoder)
{
    public const string SchemeName = "ApiKey";
    public const string HeaderName = "X-Api-Key";
    private const string BearerPrefix = "Bearer ";

    private TimeSpan? _throttledFor;

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!auth.Value.RequireApiKeys) return Success("local", "local", Scopes.All);
        if (ReadKey() is not { } value) return AuthenticateResult.NoResult();
        var address = Context.Connection.RemoteIpAddress;
        _throttledFor = failures.Blocked(address);
        if (_throttledFor is not null) return AuthenticateResult.Fail("Too many wrong API keys from this address.");
        var key = await keys.VerifyAsync(value, Context.RequestAborted);
        if (key is not null) return Success(key.Id.ToString(), key.Prefix, key.Scopes);
        failures.Failed(address);
        return AuthenticateResult.Fail("Unknown or revoked API key.");
    }

    /// <summary>The key in X-Api-Key, else in <c>Authorization: Bearer</c> (what MCP clients send); null when neither holds one.</summary>
    private string? ReadKey()
    {
        if (Request.Headers.TryGetValue(HeaderName, out var values))
            return values.Count == 1 && !string.IsNullOrEmpty(values[0]) ? values[0] : null;
        var authorization = Request.Headers.Authorization;
        if (authorization.Count != 1 || authorization[0] is not { } header) return null;
        return header.StartsWith(BearerPrefix, StringComparison.OrdinalIgnoreCase) && header.Length > BearerPrefix.Length
            ? header[BearerPrefix.Length..].Trim()
            : null;
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        if (_throttledFor is { } retryAfter)
        {
            await RateLimits.TooManyAsync(Context, retryAfter, "Too many wrong API keys",
                "This address sent too many unknown or revoked keys; retry after the Retry-After seconds.");
            return;
        }
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        await Results.Problem(statusCode: 401, title: "API key required",
            detail: $"Send a valid, unrevoked key in the {HeaderName} header or as Authorization: Bearer.").ExecuteAsync(Context);
    }

    protected override async Task HandleForbiddenAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status403Forbidden;
        await Results.Problem(statusCode: 403, title: "Scope missing",
            detail: "This API key does not have the scope this endpoint needs.").ExecuteAsync(Context);
    }

    private AuthenticateResult Success(string id, string name, IEnumerable<string> scopes)
    {
        var claims = new List<Claim> { new(ClaimTypes.NameIdentifier, id), new(ClaimTypes.Name, name) };
        claims.AddRange(scopes.Select(scope => new Claim(Scopes.ClaimType, scope)));
        var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName));
        return AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName));
    }
}
