using System.Globalization;
using System.Security.Claims;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http.Timeouts;
using Microsoft.Extensions.Options;
using Serilog.Context;

namespace PatternSync.PatternApi.Security;

public static class SecurityExtensions
{
    public const string WritePolicy = "writes";

    /// <summary>API keys with scopes, a write rate limit per key, and a timeout on every request.</summary>
    public static IHostApplicationBuilder AddApiSecurity(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<AuthOptions>().BindConfiguration("Auth").ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddScoped<ApiKeyStore>();
        builder.Services.AddAuthentication(ApiKeyAuthenticationHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null);
        builder.Services.AddAuthorizationBuilder()
            .AddPolicy(Scopes.PatternsRead, policy => policy.RequireClaim(Scopes.ClaimType, Scopes.PatternsRead))
            .AddPolicy(Scopes.PatternsWrite, policy => policy.RequireClaim(Scopes.ClaimType, Scopes.PatternsWrite))
            .AddPolicy(Scopes.OpsAdmin, policy => policy.RequireClaim(Scopes.ClaimType, Scopes.OpsAdmin));

        builder.Services.AddRateLimiter(limiter =>
        {
            limiter.AddPolicy(WritePolicy, http =>
            {
                var auth = http.RequestServices.GetRequiredService<IOptions<AuthOptions>>().Value;
                // Without keys there is no caller to meter: the trusted local mode is not rate-limited.
                if (!auth.RequireApiKeys) return RateLimitPartition.GetNoLimiter("local");
                return RateLimitPartition.GetTokenBucketLimiter(http.User.FindFirstValue(ClaimTypes.NameIdentifier) ?? "anonymous",
                    _ => new TokenBucketRateLimiterOptions
                    {
                        TokenLimit = auth.WriteBurst, TokensPerPeriod = auth.WritesPerSecond, ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                        QueueLimit = 0, AutoReplenishment = true,
                    });
            });
            limiter.OnRejected = async (context, cancellationToken) =>
            {
                var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? after : TimeSpan.FromSeconds(1);
                context.HttpContext.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
                context.HttpContext.Response.StatusCode = StatusCodes.Status429TooManyRequests;
                await Results.Problem(statusCode: 429, title: "Too many writes",
                    detail: "This API key has used its write rate; retry after the Retry-After seconds.").ExecuteAsync(context.HttpContext);
            };
        });
        builder.Services.AddRequestTimeouts(timeouts =>
        {
            var seconds = builder.Configuration.GetValue<TimeSpan?>("Auth:RequestTimeout") ?? new AuthOptions().RequestTimeout;
            timeouts.DefaultPolicy = new RequestTimeoutPolicy { Timeout = seconds, TimeoutStatusCode = StatusCodes.Status503ServiceUnavailable };
        });
        return builder;
    }

    /// <summary>A write endpoint: the patterns:write scope and the per-key write rate.</summary>
    public static TBuilder RequireWrites<TBuilder>(this TBuilder endpoint) where TBuilder : IEndpointConventionBuilder =>
        endpoint.RequireAuthorization(Scopes.PatternsWrite).RequireRateLimiting(WritePolicy);

    public static WebApplication UseApiSecurity(this WebApplication app)
    {
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
