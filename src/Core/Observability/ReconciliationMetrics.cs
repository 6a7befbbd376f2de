using PatternSync.Core.Reconciliation;
using Prometheus;

namespace PatternSync.Core.Observability;

/// <summary>Reconciliation figures as Prometheus metrics: drift per kind of the last run, totals, duration.</summary>
public static class ReconciliationMetrics
{
    private static readonly Gauge LastDrift = Metrics.CreateGauge("pattern_reconciliation_drift",
        "Drift found by the last reconciliation, per kind", new GaugeConfiguration { LabelNames = ["kind"] });
    private static readonly Counter Runs = Metrics.CreateCounter("pattern_reconciliation_runs_total",
        "Reconciliation runs by status", new CounterConfiguration { LabelNames = ["status"] });
    private static readonly Counter Repaired = Metrics.CreateCounter("pattern_reconciliation_repaired_total",
        "Patterns repaired by reconciliation");
    private static readonly Histogram Duration = Metrics.CreateHistogram("pattern_reconciliation_duration_seconds",
        "Reconciliation run duration", new HistogramConfiguration { Buckets = Histogram.ExponentialBuckets(0.05, 2, 14) });

    /// <summary>1 while this worker's embedding model is not the one the index is meant to hold (it leaves the index alone).</summary>
    public static readonly Gauge ModelMismatch = Metrics.CreateGauge("pattern_index_model_mismatch",
        "1 while this worker's embedding model is not the index's target model");

    public static void Record(ReconciliationRun run)
    {
        LastDrift.WithLabels("missing").Set(run.Missing);
        LastDrift.WithLabels("stale_version").Set(run.StaleVersion);
        LastDrift.WithLabels("stale_payload").Set(run.StalePayload);
        LastDrift.WithLabels("orphan").Set(run.Orphans);
        LastDrift.WithLabels("wrong_dimension").Set(run.ModelMismatch);
        Runs.WithLabels(run.Status).Inc();
        Repaired.Inc(run.Repaired);
        if (run.FinishedAt is { } finished) Duration.Observe((finished - run.StartedAt).TotalSeconds);
    }
}
