using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenTelemetry.Trace;
using PatternSync.Core.Hosting;
using PatternSync.ServiceDefaults;

namespace PatternSync.UnitTests;

public sealed class TracingTests
{
    [Fact]
    public void Spans_are_recorded_only_when_an_OTLP_endpoint_is_configured()
    {
        using (var off = Host(otlpEndpoint: null)) Assert.Null(off.Services.GetService<TracerProvider>());
        using (var on = Host("http://127.0.0.1:4317")) Assert.NotNull(on.Services.GetService<TracerProvider>());
    }

    [Fact]
    public void A_database_call_outside_any_trace_is_dropped_and_one_inside_a_trace_is_recorded()
    {
        using var host = Host("http://127.0.0.1:4317");
        host.Services.GetRequiredService<TracerProvider>();
        using var npgsql = new ActivitySource("Npgsql");

        using (var polling = npgsql.StartActivity("SELECT outbox rows", ActivityKind.Client))
            Assert.False(polling is { Recorded: true } || polling is { IsAllDataRequested: true });

        using var publish = Tracing.Outbox.StartActivity("publish PatternCreated", ActivityKind.Producer);
        Assert.NotNull(publish);
        using var command = npgsql.StartActivity("UPDATE outbox rows", ActivityKind.Client);
        Assert.True(command is { Recorded: true, IsAllDataRequested: true });
    }

    private static IHost Host(string? otlpEndpoint)
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder();
        builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"] = otlpEndpoint;
        builder.AddTracing();
        return builder.Build();
    }
}
