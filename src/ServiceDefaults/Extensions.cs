using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Prometheus;
using Serilog;
using Serilog.Formatting.Compact;

namespace PatternSync.ServiceDefaults;

/// <summary>Tags a host's health checks carry: /health/live runs the live ones, /health/ready the ready ones.</summary>
public static class HealthTags
{
    public const string Live = "live";
    public const string Ready = "ready";
}

/// <summary>The health and metrics endpoints, for a host that puts them behind its own authorization.</summary>
public sealed record DefaultEndpoints(
    IEndpointConventionBuilder Live, IEndpointConventionBuilder Ready, IEndpointConventionBuilder Metrics);

/// <summary>What both hosts set up the same way: logging, tracing, problem details, health probes and metrics.</summary>
public static class Extensions
{
    public static IHostApplicationBuilder AddServiceDefaults(this IHostApplicationBuilder builder)
    {
        // JSON lines where a machine reads the logs (containers), readable text on a terminal.
        var json = builder.Configuration.GetValue<bool?>("Logging:Json")
                   ?? builder.Configuration.GetValue<bool>("DOTNET_RUNNING_IN_CONTAINER");
        // Each host owns its logger: with the static Log.Logger, a second host in the same process (as in tests)
        // takes over the first one's logging, and silences it when disposed.
        builder.Services.AddSerilog((services, logger) =>
        {
            // Sinks registered as services join the configured ones (a test reads the logs that way).
            logger.ReadFrom.Configuration(builder.Configuration).ReadFrom.Services(services).Enrich.FromLogContext();
            if (json) logger.WriteTo.Console(new RenderedCompactJsonFormatter());
            else
                logger.WriteTo.Console(
                    outputTemplate: "[{Timestamp:HH:mm:ss} {Level:u3}] {SourceContext}: {Message:lj} {Properties:j}{NewLine}{Exception}");
        }, preserveStaticLogger: true);

        builder.AddTracing();

        builder.Services.AddProblemDetails();
        // A host maps its own exceptions to status codes (PostConfigure); a malformed request keeps its 4xx.
        builder.Services.Configure<ExceptionHandlerOptions>(options => options.StatusCodeSelector = exception =>
            exception is BadHttpRequestException bad ? bad.StatusCode : StatusCodes.Status500InternalServerError);
        builder.Services.AddHealthChecks().AddCheck("self", () => HealthCheckResult.Healthy(), [HealthTags.Live]);
        builder.AddHealthCheckCache();
        builder.Services.AddSingleton(TimeProvider.System);
        return builder;
    }

    /// <summary>Problem details for exceptions and bare status codes, /health/live, /health/ready and /metrics.</summary>
    public static DefaultEndpoints UseServiceDefaults(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        return new DefaultEndpoints(
            app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = check => check.Tags.Contains(HealthTags.Live) }),
            app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = check => check.Tags.Contains(HealthTags.Ready) }),
            app.MapMetrics("/metrics"));
    }
}
