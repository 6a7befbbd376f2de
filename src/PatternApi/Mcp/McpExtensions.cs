using System.ComponentModel;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;
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
            .WithTools(Tools(PatternJson.Configure(new JsonSerializerOptions(JsonSerializerDefaults.Web))))
            .WithPrompts([typeof(PatternPrompts)]);
        return builder;
    }

    /// <summary>
    /// The <see cref="PatternTools"/>, made per request from its services as the SDK's WithTools makes them, each showing the
    /// input schema its <see cref="ToolArgumentsAttribute"/> names: the method takes the arguments as sent, so declares none.
    /// </summary>
    private static List<McpServerTool> Tools(JsonSerializerOptions json) =>
        typeof(PatternTools).GetMethods().Where(m => m.GetCustomAttribute<McpServerToolAttribute>() is not null).Select(method =>
        {
            var tool = McpServerTool.Create(method, request => ActivatorUtilities.CreateInstance<PatternTools>(request.Services!),
                new McpServerToolCreateOptions { SerializerOptions = json });
            var arguments = method.GetCustomAttribute<ToolArgumentsAttribute>()
                ?? throw new InvalidOperationException($"Tool method {method.Name} names no {nameof(ToolArgumentsAttribute)}.");
            tool.ProtocolTool.InputSchema = AIJsonUtilities.CreateJsonSchema(arguments.Type, serializerOptions: json,
                inferenceOptions: new AIJsonSchemaCreateOptions { TransformSchemaNode = Describe });
            return tool;
        }).ToList();

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

    /// <summary>
    /// Gives each argument its [Description]: the schema exporter leaves out a property that takes any JSON (match_patterns'
    /// context: text or an object), so the arguments' object fills in what it lacks.
    /// </summary>
    private static JsonNode Describe(AIJsonSchemaCreateContext context, JsonNode schema)
    {
        if (context.PropertyInfo is not null || context.TypeInfo.Kind != JsonTypeInfoKind.Object
            || schema["properties"] is not JsonObject properties) return schema;
        foreach (var property in context.TypeInfo.Properties)
        {
            if (properties[property.Name] is JsonObject argument && !argument.ContainsKey("description")
                && property.AttributeProvider?.GetCustomAttributes(typeof(DescriptionAttribute), true) is [DescriptionAttribute about, ..])
                argument.Insert(0, "description", about.Description);
        }
        return schema;
    }
}
