using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace PatternSync.PatternApi.Security;

/// <summary>
/// Authenticates the X-Api-Key header against the stored keys; the principal carries the key's
/// scopes. With Auth:RequireApiKeys off, every request is a local caller with every scope.
/// The key value is never logged: only its prefix is.
/// </summary>
public sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> schemeOptions, ILoggerFactory loggerFactory, UrlEncoder encoder,
    ApiKeyStore keys, IOptions<AuthOptions> auth)
    : AuthenticationHandler<AuthenticationSchemeOptions>(schemeOptions, loggerFactory, encoder)
{
    public const string SchemeName = "ApiKey";
    public const string HeaderName = "X-Api-Key";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!auth.Value.RequireApiKeys) return Success("local", "local", Scopes.All);
        if (!Request.Headers.TryGetValue(HeaderName, out var values) || values.Count != 1 || string.IsNullOrEmpty(values[0]))
            return AuthenticateResult.NoResult();
        var key = await keys.VerifyAsync(values[0]!, Context.RequestAborted);
        return key is null ? AuthenticateResult.Fail("Unknown or revoked API key.") : Success(key.Id.ToString(), key.Prefix, key.Scopes);
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        await Results.Problem(statusCode: 401, title: "API key required",
            detail: $"Send a valid, unrevoked key in the {HeaderName} header.").ExecuteAsync(Context);
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
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName)), SchemeName));
    }
}
