using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Prometheus;
using PatternSync.Core.Serialization;
using PatternSync.Core.VectorIndex;
using Serilog;
using Serilog.Formatting.Compact;

namespace PatternSync.Core.Hosting;

/// <summary>What both hosts set up the same way: logging, tracing, JSON shape, problem details, health probes.</summary>
public static class ServiceDefaults
{
    public const string LiveTag = "live";
    public const string ReadyTag = "ready";

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
            else logger.WriteTo.Console(outputTemplate: "[{Timestamp:HH:mm:ss} {Level:u3}] {SourceContext}: {Message:lj} {Properties:j}{NewLine}{Exception}");
        }, preserveStaticLogger: true);

        builder.AddTracing();

        builder.Services.ConfigureHttpJsonOptions(options => PatternJson.Configure(options.SerializerOptions));
        builder.Services.AddProblemDetails();
        builder.Services.AddHealthChecks()
            .AddCheck("self", () => HealthCheckResult.Healthy(), [LiveTag])
            .AddCheck<PostgresHealthCheck>("postgresql", tags: [ReadyTag]);
        builder.AddHealthCheckCache();
        builder.Services.AddSingleton(TimeProvider.System);
        return builder;
    }

    /// <param name="protectHealth">Applied to the health and metrics endpoints a host wants behind its own authorization.</param>
    public static WebApplication UseServiceDefaults(this WebApplication app, Action<IEndpointConventionBuilder>? protectHealth = null,
        Action<IEndpointConventionBuilder>? protectMetrics = null)
    {
        app.UseExceptionHandler(new ExceptionHandlerOptions
        {
            // A store, index or embedder that does not answer is a 503 the caller may retry, not a 500.
            StatusCodeSelector = exception => exception switch
            {
                BadHttpRequestException bad => bad.StatusCode,
                _ when TransientFailures.IsTransient(exception) => (int)HttpStatusCode.ServiceUnavailable,
                // The index holds (or is still building) another model's vectors: this host waits for a rebuild or its own rollout.
                VectorIndexMismatchException => (int)HttpStatusCode.ServiceUnavailable,
                _ => (int)HttpStatusCode.InternalServerError,
            },
        });
        app.UseStatusCodePages();
        var live = app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = check => check.Tags.Contains(LiveTag) });
        var ready = app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = check => check.Tags.Contains(ReadyTag) });
        var metrics = app.MapMetrics("/metrics");
        protectHealth?.Invoke(live);
        protectHealth?.Invoke(ready);
        protectMetrics?.Invoke(metrics);
        return app;
    }
}
