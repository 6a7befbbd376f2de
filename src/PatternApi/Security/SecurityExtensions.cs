using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using PatternSync.Core.Hosting;
using PatternSync.ServiceDefaults;
using Serilog.Context;

namespace PatternSync.PatternApi.Security;

public static class SecurityExtensions
{
    /// <summary>API keys with scopes, read and write rate limits per key, wrong keys limited per address.</summary>
    public static IHostApplicationBuilder AddApiSecurity(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<AuthOptions>().BindConfiguration("Auth").ValidateDataAnnotations().ValidateOnStart();
        var rateLimits = builder.Services.AddOptions<RateLimitOptions>().BindConfiguration(RateLimitOptions.Section);
        foreach (var property in RenamedRateLimitKeys)
            rateLimits.BindRenamedKey($"Auth:{property}", $"{RateLimitOptions.Section}:{property}");
        rateLimits.ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddScoped<ApiKeyStore>();
        builder.Services.AddAuthentication(ApiKeyAuthenticationHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null);
        builder.Services.AddAuthorizationBuilder()
            .AddPolicy(Scopes.PatternsRead, policy => policy.RequireClaim(Scopes.ClaimType, Scopes.PatternsRead))
            .AddPolicy(Scopes.PatternsWrite, policy => policy.RequireClaim(Scopes.ClaimType, Scopes.PatternsWrite))
            .AddPolicy(Scopes.OpsAdmin, policy => policy.RequireClaim(Scopes.ClaimType, Scopes.OpsAdmin));

        builder.Services.AddSingleton<KeyRateLimiters>();
        builder.Services.AddRateLimiter(RateLimits.AddPolicies);
        builder.Services.AddSingleton<FailedAuthenticationThrottle>();
        return builder;
    }

    private static readonly string[] RenamedRateLimitKeys =
    [
        nameof(RateLimitOptions.WritesPerSecond), nameof(RateLimitOptions.WriteBurst), nameof(RateLimitOptions.ReadsPerSecond),
        nameof(RateLimitOptions.ReadBurst), nameof(RateLimitOptions.FailedAuthenticationsPerMinute),
    ];

    /// <summary>A write endpoint: the patterns:write scope and the per-key write rate.</summary>
    public static TBuilder RequireWrites<TBuilder>(this TBuilder endpoint) where TBuilder : IEndpointConventionBuilder =>
        endpoint.RequireAuthorization(Scopes.PatternsWrite).RequireRateLimiting(RateLimits.WritePolicy);

    /// <summary>A read endpoint: the given scope (patterns:read unless said) and the per-key read rate.</summary>
    public static TBuilder RequireReads<TBuilder>(this TBuilder endpoint, string scope = Scopes.PatternsRead)
        where TBuilder : IEndpointConventionBuilder =>
        endpoint.RequireAuthorization(scope).RequireRateLimiting(RateLimits.ReadPolicy);

    /// <summary>
    /// Only a JSON request (415 otherwise, body or not): a cross-site HTML form can POST a simple
    /// content type without asking, but not application/json, whose CORS preflight this API never grants.
    /// </summary>
    public static TBuilder RequireJsonContentType<TBuilder>(this TBuilder endpoint) where TBuilder : IEndpointConventionBuilder =>
        endpoint.AddEndpointFilter(async (context, next) => context.HttpContext.Request.HasJsonContentType()
                ? await next(context)
                : TypedResults.Problem(statusCode: StatusCodes.Status415UnsupportedMediaType, title: "Unsupported content type",
                    detail: "Send Content-Type: application/json (the body may be empty)."))
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType);

    /// <param name="probes">Health and metrics: behind the ops:admin scope unless Auth serves them without a key.</param>
    public static WebApplication UseApiSecurity(this WebApplication app, DefaultEndpoints probes)
    {
        var auth = app.Services.GetRequiredService<IOptions<AuthOptions>>().Value;
        if (!auth.AnonymousHealth)
        {
            probes.Live.RequireAuthorization(Scopes.OpsAdmin);
            probes.Ready.RequireAuthorization(Scopes.OpsAdmin);
        }
        if (!auth.AnonymousMetrics) probes.Metrics.RequireAuthorization(Scopes.OpsAdmin);
        app.UseAuthentication();
        // Every log line of a request names its caller by the key's prefix, never by the key.
        app.Use(async (context, next) =>
        {
            using (LogContext.PushProperty("Caller", context.User.Identity?.Name))
                await next(context);
        });
        app.UseAuthorization();
        app.UseRateLimiter();
        app.UseRequestTimeouts();
        return app;
    }
}
