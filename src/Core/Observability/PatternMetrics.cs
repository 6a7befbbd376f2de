using Prometheus;

namespace PatternSync.Core.Observability;

/// <summary>The Prometheus metrics of both hosts; the first five carry the seed's names and buckets.</summary>
public static class PatternMetrics
{
    public static readonly Histogram MatchLatency = Metrics.CreateHistogram("pattern_match_latency_seconds",
        "Pattern matching request latency", new HistogramConfiguration { Buckets = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0] });

    // The seed's name; it times the search of whichever index is configured, Qdrant or embedded.
    public static readonly Histogram VectorSearchDuration = Metrics.CreateHistogram("qdrant_search_duration_seconds",
        "Qdrant semantic search latency", new HistogramConfiguration { Buckets = Histogram.ExponentialBuckets(0.0005, 2, 14) });

    public static readonly Histogram LexicalSearchDuration = Metrics.CreateHistogram("pattern_lexical_search_duration_seconds",
        "Lexical (BM25) search latency, including applying the changes committed since the last search",
        new HistogramConfiguration { Buckets = Histogram.ExponentialBuckets(0.0005, 2, 14) });

    public static readonly Histogram PostgresLookupDuration = Metrics.CreateHistogram("postgres_lookup_duration_seconds",
        "PostgreSQL metadata lookup latency", new HistogramConfiguration { Buckets = Histogram.ExponentialBuckets(0.0005, 2, 14) });

    public static readonly Histogram RankingDuration = Metrics.CreateHistogram("pattern_ranking_duration_seconds",
        "Ranking a match's candidates: reading their outcomes and estimating fit x works",
        new HistogramConfiguration { Buckets = Histogram.ExponentialBuckets(0.0005, 2, 14) });

    public static readonly Counter PatternMatches = Metrics.CreateCounter("pattern_matches_total",
        "Total pattern matches", new CounterConfiguration { LabelNames = ["pattern_type", "status"] });

    /// <summary>The pattern_type label of <see cref="PatternMatches"/>: 100 values, then <see cref="BoundedLabel.Other"/>.</summary>
    public static readonly BoundedLabel MatchedPatternTypes = new(100);

    public static readonly Counter QueryEmbeddingCache = Metrics.CreateCounter("pattern_query_embedding_cache_total",
        "Query embedding cache lookups by result (hit, miss)", new CounterConfiguration { LabelNames = ["result"] });

    public static readonly Counter MatchDrift = Metrics.CreateCounter("pattern_match_drift_total",
        "Search hits dropped because the index lagged the row (row_gone, stale_text, filtered)",
        new CounterConfiguration { LabelNames = ["reason"] });

    public static readonly Counter MatchRecordsDropped = Metrics.CreateCounter("pattern_match_records_dropped_total",
        "Match records never written (queue_full, write_failed): outcomes naming their match count pattern-wide",
        new CounterConfiguration { LabelNames = ["reason"] });
}
