using System.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;
using OpenTelemetry;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace PatternSync.ServiceDefaults;

/// <summary>
/// OpenTelemetry traces of both hosts, so one trace follows a change from its request through the outbox and bus to the index.
/// Exported over OTLP when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set; without it nothing is recorded, but the trace context still flows.
/// </summary>
public static class Telemetry
{
    /// <summary>Every source a PatternSync library names (the outbox relay's among them).</summary>
    private const string PatternSyncSources = "PatternSync.*";

    public static IHostApplicationBuilder AddTracing(this IHostApplicationBuilder builder)
    {
        // Recording spans costs CPU on every request, command and message: only when they go somewhere.
        // The trace context still flows without it.
        if (string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"])) return builder;
        builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(builder.Environment.ApplicationName))
            .WithTracing(tracing => tracing
                .SetSampler(new ParentBasedSampler(new NoBackgroundClientCalls()))
                .AddSource(PatternSyncSources)
                .AddSource("MassTransit")
                .AddAspNetCoreInstrumentation(options => options.Filter = http => !IsScrapeOrProbe(http.Request.Path))
                .AddHttpClientInstrumentation()
                .AddNpgsql())
            .UseOtlpExporter();
        return builder;
    }

    /// <summary>
    /// A database or HTTP call outside any trace is background polling (the relay's claims, Quartz's check-ins):
    /// a trace of its own every few seconds says nothing. Calls within a trace follow their parent.
    /// </summary>
    private sealed class NoBackgroundClientCalls : Sampler
    {
        public override SamplingResult ShouldSample(in SamplingParameters samplingParameters) =>
            new(samplingParameters.Kind == ActivityKind.Client ? SamplingDecision.Drop : SamplingDecision.RecordAndSample);
    }

    // Prometheus and the orchestrator call these every few seconds: traces of them would drown the rest.
    private static bool IsScrapeOrProbe(PathString path) =>
        path.StartsWithSegments("/metrics") || path.StartsWithSegments("/health");
}
