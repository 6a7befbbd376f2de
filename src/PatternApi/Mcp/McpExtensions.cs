using PatternSync.Core.Serialization;
using PatternSync.PatternApi.Security;

namespace PatternSync.PatternApi.Mcp;

/// <summary>The Model Context Protocol server: stateless streamable HTTP at /mcp, behind the API keys and read rate.</summary>
public static class McpExtensions
{
    public const string Path = "/mcp";

    public static IHostApplicationBuilder AddPatternMcp(this IHostApplicationBuilder builder)
    {
        builder.Services.AddHttpContextAccessor();
        builder.Services.AddScoped<McpCaller>();
        builder.Services.AddMcpServer()
            .WithHttpTransport(options => options.Stateless = true)
            .WithTools<PatternTools>(PatternJson.Options)
            .WithPrompts([typeof(PatternPrompts)]);
        return builder;
    }

    /// <summary>
    /// Every request needs a key (any scope: each tool checks its own, so a missing one is a tool error that names it) and
    /// spends one read of the key's rate.
    /// </summary>
    public static IEndpointConventionBuilder MapPatternMcp(this IEndpointRouteBuilder app) =>
        app.MapMcp(Path).RequireAuthorization().RequireRateLimiting(RateLimits.ReadPolicy);
}
