using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using PatternSync.ServiceDefaults;
using Serilog.Core;
using Serilog.Events;

namespace PatternSync.UnitTests;

/// <summary>Two hosts in one process (as in the functional tests) each keep their own logging.</summary>
public sealed class ServiceDefaultsLoggingTests
{
    [Fact]
    public void A_host_keeps_logging_after_another_host_in_the_process_is_disposed()
    {
        var first = new CountingSink();
        using var firstHost = HostWith(first);
        var second = new CountingSink();
        using (var secondHost = HostWith(second))
            secondHost.Services.GetRequiredService<ILogger<ServiceDefaultsLoggingTests>>().LogInformation("second host");

        // Loggers are made when first needed: a request path's logger often only after other hosts came and went.
        firstHost.Services.GetRequiredService<ILogger<ServiceDefaultsLoggingTests>>().LogInformation("first host");

        Assert.Equal(["first host"], first.Messages);
        Assert.Equal(["second host"], second.Messages);
    }

    private static IHost HostWith(ILogEventSink sink)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.AddServiceDefaults();
        builder.Services.AddSingleton(sink);
        var host = builder.Build();
        host.Services.GetRequiredService<ILoggerFactory>();
        return host;
    }

    private sealed class CountingSink : ILogEventSink
    {
        public List<string> Messages { get; } = [];

        public void Emit(LogEvent logEvent)
        {
            lock (Messages) Messages.Add(logEvent.RenderMessage());
        }
    }
}
