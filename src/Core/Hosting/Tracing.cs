using System.Diagnostics;

namespace PatternSync.Core.Hosting;

/// <summary>PatternSync's own spans; the hosts' telemetry (PatternSync.ServiceDefaults) records every "PatternSync.*" source.</summary>
public static class Tracing
{
    public const string OutboxSourceName = "PatternSync.Outbox";

    /// <summary>The outbox relay's spans: each continues the trace of the request that wrote the row.</summary>
    public static readonly ActivitySource Outbox = new(OutboxSourceName);
}
