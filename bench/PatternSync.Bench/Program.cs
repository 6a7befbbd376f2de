using PatternSync.Bench;

// dotnet run -c Release --project bench/PatternSync.Bench -- <benchmark> [options]
return args switch
{
    ["embedder", ..] => await EmbedderBenchmark.RunAsync(args[1..]),
    ["embedders", ..] => EmbeddersBenchmark.Run(args[1..]),
    ["pipeline-latency", ..] => await PipelineLatencyBenchmark.RunAsync(args[1..]),
    ["match-latency", ..] => await MatchLatencyBenchmark.RunAsync(args[1..]),
    ["reconciliation", ..] => await ReconciliationBenchmark.RunAsync(args[1..]),
    ["pipeline-throughput", ..] => await PipelineThroughputBenchmark.RunAsync(args[1..]),
    ["write-path", ..] => await WritePathBenchmark.RunAsync(args[1..]),
    ["learning", ..] => await LearningBenchmark.RunAsync(args[1..]),
    ["lexical", ..] => await LexicalBenchmark.RunAsync(args[1..]),
    ["retrieval", ..] => await RetrievalBenchmark.RunAsync(args[1..]),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("""
        usage: PatternSync.Bench <benchmark> [options]
          embedder [--texts N] [--batch B]   local MiniLM throughput on pattern texts (default 1024 texts, batch 32)
          embedders [--rounds R]             all-MiniLM-L6-v2 vs arctic-embed-xs on the sample library: dense hit@1/3, MRR@10
                                             on the report split of both labelled sets (arctic with and without its query
                                             prefix) and throughput on the sample texts, interleaved over R rounds (default 3)
          pipeline-latency [--seconds S] [--warm-up-seconds W] [--texts N] [--short] [--poll-only]
                                             the embedder's own rate E on N of the creates' texts (default 256), then
                                             commit-to-index p50/p99/max and the CPU share of worker, API, PostgreSQL and
                                             RabbitMQ with creates offered at 0.5 x E for W s right after start (default 20),
                                             then at 0.5, 0.7, 0.85 and 1.0 x E for S s each (default 30); the highest whose
                                             p99 <= 1 s. Sample-library texts, varied; --short: one-line texts (API and
                                             worker as processes; needs ops/services.sh start, its data directory in
                                             PATTERNSYNC_DATA_DIR unless the repository's .data, and a Release build)
          match-latency [--queries N] [--outcomes N] [--with-100k]
                                             match p50/p99 at 1k and 10k patterns, query embedding uncached and cached,
                                             ranking similarity vs learned alternated, and their p99 ratio; N outcomes
                                             per 10k patterns (default 100000, 0 for none; embedded index, API as a process)
          reconciliation [--with-100k]       reconciliation time at 10k (100k) patterns, in sync and with 1 % drift
          pipeline-throughput [--patterns N] embedder alone vs the pipeline draining N committed creates, and the ratio
          write-path [--writes N] [--no-relay] [--warm-up-seconds S]
                                             bare INSERT vs the API's create with outbox: throughput, p99, ratio
          learning [--rounds N] [--seeds S] [--split report|tune] [--set Ranking:Key=value ...]
                                             a simulated agent's success per 50 rounds by ranking (learned, greedy,
                                             pattern-level, similarity) vs the oracle, in two scenarios (default
                                             400 rounds, 3 seeds, split report; API and worker as processes per arm)
          lexical [--patterns N] [--rounds R] Lucene BM25 vs PostgreSQL BM25 vs dense vs RRF/DBSF fusion on the tune split:
                                             hit@1/3, MRR@10; lexical query p50/p99 and build time at the sample library and
                                             at N cloned patterns (default 10000); R timed passes over the queries (default 5)
          retrieval [--patterns N] [--queries Q]
                                             dense vs lexical vs hybrid through the API on the sample library (indexed by
                                             the worker), report split of both labelled sets: hit@1/3, MRR@10, ECE of the
                                             confidence, what min_confidence 0.7 keeps; then dense vs hybrid match p50/p99
                                             at N patterns (default 10000; 0 for quality only), Q new intents each
                                             (default 1000), and the goals
        Results print as a table and are written as JSON under bench/results/.
        """);
    return 2;
}
