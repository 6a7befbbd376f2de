using System.Text.Json;
using Microsoft.Extensions.Options;
using ModelContextProtocol.Protocol;
using PatternSync.Core.Serialization;
using PatternSync.PatternApi.Security;

namespace PatternSync.PatternApi.Mcp;

/// <summary>The Model Context Protocol server: stateless streamable HTTP at /mcp, behind the API keys and their rates.</summary>
public static class McpExtensions
{
    public const string Path = "/mcp";

    /// <summary>What a client may put before the model: the loop the tools close.</summary>
    public const string Instructions =
        "PatternSync stores approaches that worked. Before a task, call match_patterns and keep its match_id; follow the best " +
        "pattern; afterwards call record_outcome with the pattern_id, success and that match_id, so the ranking learns.";

    public static IHostApplicationBuilder AddPatternMcp(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<McpOptions>().BindConfiguration("Mcp").ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddHttpContextAccessor();
        builder.Services.AddScoped<McpCaller>();
        builder.Services.AddMcpServer(options =>
            {
                options.ServerInfo = new Implementation { Name = "PatternSync", Version = "1.0" };
                options.ServerInstructions = Instructions;
            })
            .WithHttpTransport(options => options.Stateless = true)
            // A fresh instance: the SDK completes the options it is given, and the shared one is read-only once used.
            .WithTools<PatternTools>(PatternJson.Configure(new JsonSerializerOptions(JsonSerializerDefaults.Web)))
            .WithPrompts([typeof(PatternPrompts)]);
        return builder;
    }

    /// <summary>
    /// Every request needs a key (any scope: each tool checks its own, so a missing one is a tool error that names it) and
    /// must name an allowed host. No rate here: each tool spends its kind (<see cref="McpCaller.Refuses"/>), as the REST
    /// endpoint would. No CORS policy is added: browsers' cross-origin calls fail. Not a REST operation, so not in the
    /// OpenAPI document.
    /// </summary>
    public static IEndpointConventionBuilder MapPatternMcp(this IEndpointRouteBuilder app)
    {
        var hosts = app.ServiceProvider.GetRequiredService<IOptions<McpOptions>>().Value.Hosts;
        return app.MapMcp(Path).RequireHost(hosts).RequireAuthorization().ExcludeFromDescription();
    }
}
