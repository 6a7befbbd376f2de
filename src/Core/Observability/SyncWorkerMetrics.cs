using Prometheus;

namespace PatternSync.Core.Observability;

/// <summary>The sync worker's own figures: events consumed, retries, embedding batches.</summary>
public static class SyncWorkerMetrics
{
    public static readonly Counter Events = Metrics.CreateCounter("pattern_sync_events_total",
        "Pattern events consumed by the sync worker, by event and result (success, failure)",
        new CounterConfiguration { LabelNames = ["event", "result"] });

    public static readonly Counter Retries = Metrics.CreateCounter("pattern_sync_retries_total",
        "Event batches the sync worker consumed again after a failure (retry attempts)",
        new CounterConfiguration { LabelNames = ["event"] });

    public static readonly Counter OutageWaits = Metrics.CreateCounter("pattern_sync_outage_waits_total",
        "Times a batch found PostgreSQL, the index or the embedder not answering and waited to try again",
        new CounterConfiguration { LabelNames = ["event"] });

    public static readonly Histogram EmbeddingBatchSize = Metrics.CreateHistogram("pattern_embedding_batch_size",
        "Texts per embedding call", new HistogramConfiguration { Buckets = [1, 2, 4, 8, 16, 32, 64, 128, 256] });

    public static readonly Histogram EmbeddingDuration = Metrics.CreateHistogram("pattern_embedding_duration_seconds",
        "Duration of one embedding call", new HistogramConfiguration { Buckets = Histogram.ExponentialBuckets(0.005, 2, 12) });
}
