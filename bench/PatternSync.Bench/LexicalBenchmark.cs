using System.Diagnostics;
using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;
using Npgsql;
using PatternSync.Bench.Lexical;
using PatternSync.Core.Embeddings;
using PatternSync.Testing;

namespace PatternSync.Bench;

/// <summary>
/// Which lexical engine hybrid retrieval should use, measured in one process on the sample library and the tune split of
/// the labelled queries: Lucene.Net BM25 in memory and PostgreSQL full-text search with BM25 in SQL, both over the same
/// identifier token stream, beside dense MiniLM and RRF fusions of dense with each; then each engine's query latency at
/// the sample size and at a cloned library.
/// </summary>
internal static class LexicalBenchmark
{
    private const int Depth = 50; // candidates each list hands to fusion, and the most any ranking keeps
    private static readonly int[] RrfKs = [10, 30, 60];
    private static readonly double[] LexicalWeights = [1, 2]; // 2: a first lexical rank outweighs a first dense rank

    /// <summary>Identifier shapes the token stream must keep whole and split, shown with the figures.</summary>
    private static readonly string[] Shapes = ["--max-lag-millis", "pool_pre_ping", "pg_stat_statements.track", "X-Api-Key",
        "PooledConnectionLifetime", "SET NX PX 5000"];

    public static async Task<int> RunAsync(string[] args)
    {
        var rounds = BenchResults.Option(args, "--rounds", 5);
        var size = BenchResults.Option(args, "--patterns", 10_000);
        var names = SampleTexts.Patterns().Select(p => p.Name).ToList();
        var texts = SampleTexts.Load(names.Count);
        var queries = LabelledQuery.Tune("paraphrased", "queries.json").Concat(LabelledQuery.Tune("identifier", "identifier-queries.json"))
            .ToList();
        var analyzers = new[] { new IdentifierTokens(stem: false), new IdentifierTokens(stem: true) };
        var rankings = new Dictionary<string, List<Hit>[]> { ["dense"] = await DenseAsync(texts, queries) };
        var latencies = new List<Latency>();
        var builds = new List<(string Engine, double Seconds)>(); // the whole library from its texts, as a process start would

        var run = BenchRun.New("lexical");
        await CreateDatabaseAsync(run);
        try
        {
            // The planner's cost for an OR over many terms passes jit_above_cost, and compiling costs more than the query.
            await using var dataSource = NpgsqlDataSource.Create(run.ConnectionString + ";Options=-c jit=off");
            await PostgresLexicalIndex.CreateSchemaAsync(dataSource);
            var lucene = new List<(string Name, LuceneLexicalIndex Index)>
            {
                ("lucene standard", LuceneLexicalIndex.WithStandardAnalyzer(texts)),
            };
            lucene.AddRange(analyzers.Select(a => ($"lucene {a.Name}", LuceneLexicalIndex.WithTokens(a, texts))));
            foreach (var (name, index) in lucene)
            {
                rankings[name] = queries.Select(q => index.Search(q.Text, Depth)).ToArray();
                latencies.Add(await MeasureAsync(name, texts.Count, queries, rounds, q => Task.FromResult(index.Search(q, Depth))));
                index.Dispose();
            }
            foreach (var analyzer in analyzers)
            {
                var name = $"postgres {analyzer.Name}";
                var postgres = new PostgresLexicalIndex(dataSource, analyzer);
                await postgres.LoadAsync(texts);
                var lists = new List<Hit>[queries.Count];
                for (var i = 0; i < queries.Count; i++) lists[i] = await postgres.SearchAsync(queries[i].Text, Depth);
                rankings[name] = lists;
                latencies.Add(await MeasureAsync(name, texts.Count, queries, rounds, q => postgres.SearchAsync(q, Depth)));
            }

            var large = SampleTexts.Load(size);
            foreach (var analyzer in analyzers)
            {
                var watch = Stopwatch.StartNew();
                using (var index = LuceneLexicalIndex.WithTokens(analyzer, large))
                {
                    builds.Add(($"lucene {analyzer.Name}", watch.Elapsed.TotalSeconds));
                    latencies.Add(await MeasureAsync($"lucene {analyzer.Name}", size, queries, rounds,
                        q => Task.FromResult(index.Search(q, Depth))));
                }
                var postgres = new PostgresLexicalIndex(dataSource, analyzer);
                watch.Restart();
                await postgres.LoadAsync(large);
                builds.Add(($"postgres {analyzer.Name}", watch.Elapsed.TotalSeconds));
                latencies.Add(await MeasureAsync($"postgres {analyzer.Name}", size, queries, rounds, q => postgres.SearchAsync(q, Depth)));
            }
        }
        finally
        {
            await run.DropAsync();
        }

        foreach (var lexical in rankings.Keys.Where(k => k != "dense").ToList())
        {
            foreach (var weight in LexicalWeights)
                foreach (var k in RrfKs)
                    rankings[$"rrf k={k}{(weight == 1 ? "" : $" lexical x{weight}")} dense + {lexical}"] =
                        queries.Select((_, i) => Rrf(k, weight, rankings["dense"][i], rankings[lexical][i])).ToArray();
            rankings[$"dbsf dense + {lexical}"] = queries.Select((_, i) => Dbsf(rankings["dense"][i], rankings[lexical][i])).ToArray();
        }

        Report(names, queries, rankings, latencies, builds, size, analyzers[0]);
        return 0;
    }

    private static async Task<List<Hit>[]> DenseAsync(IReadOnlyList<string> texts, IReadOnlyList<LabelledQuery> queries)
    {
        using var generator = new MiniLmEmbeddingGenerator();
        var patterns = (await generator.GenerateAsync(texts)).Select(e => e.Vector.ToArray()).ToList();
        var asked = await generator.GenerateAsync(queries.Select(q => q.Text));
        return asked.Select(query => RetrievalQuality.Nearest(query.Vector.ToArray(), patterns, Depth)).ToArray();
    }

    /// <summary>Reciprocal rank fusion: each list adds weight / (k + rank), dense with weight 1; ties keep the dense order.</summary>
    private static List<Hit> Rrf(int k, double lexicalWeight, List<Hit> dense, List<Hit> lexical)
    {
        var scores = new Dictionary<int, double>();
        foreach (var (list, weight) in new[] { (dense, 1.0), (lexical, lexicalWeight) })
            for (var rank = 0; rank < list.Count; rank++)
                scores[list[rank].Doc] = scores.GetValueOrDefault(list[rank].Doc) + weight / (k + rank + 1);
        return Fused(scores, dense);
    }

    /// <summary>
    /// Distribution-based score fusion (Qdrant's DBSF): each list's scores mapped by (s - (mean - 3 sd)) / (6 sd) and
    /// summed, so a lexical score far above its list's others counts for more than a first rank does in RRF.
    /// </summary>
    private static List<Hit> Dbsf(List<Hit> dense, List<Hit> lexical)
    {
        var scores = new Dictionary<int, double>();
        foreach (var list in new[] { dense, lexical }.Where(l => l.Count > 0))
        {
            var mean = list.Average(h => h.Score);
            var sd = Math.Sqrt(list.Average(h => (h.Score - mean) * (h.Score - mean)));
            foreach (var hit in list)
                scores[hit.Doc] = scores.GetValueOrDefault(hit.Doc) + (sd > 0 ? (hit.Score - (mean - 3 * sd)) / (6 * sd) : 0.5);
        }
        return Fused(scores, dense);
    }

    private static List<Hit> Fused(Dictionary<int, double> scores, List<Hit> dense) =>
        scores.OrderByDescending(s => s.Value).ThenBy(s => dense.FindIndex(h => h.Doc == s.Key) is var d and >= 0 ? d : int.MaxValue)
            .Take(Depth).Select(s => new Hit(s.Key, s.Value)).ToList();

    private static async Task<Latency> MeasureAsync(
        string engine, int patterns, IReadOnlyList<LabelledQuery> queries, int rounds, Func<string, Task> search)
    {
        for (var pass = 0; pass < 2; pass++)
            foreach (var query in queries) await search(query.Text); // warm-up: tiered JIT and caches
        GC.Collect(); // not the garbage of building the index
        var times = new List<double>();
        for (var round = 0; round < rounds; round++)
            foreach (var query in queries)
            {
                var watch = Stopwatch.StartNew();
                await search(query.Text);
                times.Add(watch.Elapsed.TotalMilliseconds);
            }
        times.Sort();
        Console.Error.WriteLine($"  {engine} at {patterns}: {BenchResults.Table(times)}");
        return new Latency(engine, patterns, BenchResults.Percentile(times, 0.5), BenchResults.Percentile(times, 0.99));
    }

    private static void Report(
        IReadOnlyList<string> names, IReadOnlyList<LabelledQuery> queries, Dictionary<string, List<Hit>[]> rankings,
        IReadOnlyList<Latency> latencies, IReadOnlyList<(string Engine, double Seconds)> builds, int size, IdentifierTokens tokens)
    {
        var quality = new List<Quality>();
        foreach (var set in queries.Select(q => q.Set).Distinct())
            foreach (var (engine, lists) in rankings)
            {
                var figures = RetrievalQuality.Of(queries.Select((q, i) => (q, i)).Where(x => x.q.Set == set)
                    .Select(x => RetrievalQuality.RankOf(x.q, lists[x.i].Select(hit => names[hit.Doc]))).ToList());
                quality.Add(new Quality(set, engine, figures.Queries, figures.HitAt1, figures.HitAt3, figures.MrrAt10));
            }
        var rows = quality
            .Select(q => ($"{q.Set} (tune, {q.Queries}) {q.Engine}", $"hit@1 {q.HitAt1:F3}  hit@3 {q.HitAt3:F3}  MRR@10 {q.MrrAt10:F3}"))
            .Concat(latencies.Select(l => ($"latency {l.Engine} at {l.Patterns} patterns", $"p50 {l.P50Ms:F2} ms  p99 {l.P99Ms:F2} ms")))
            .Concat(builds.Select(b => ($"build {b.Engine} at {size} patterns", $"{b.Seconds:F2} s")))
            .Concat(Shapes.Select(shape => ($"tokens of {shape}", string.Join(" ", tokens.Tokenize(shape)))))
            .ToList();
        BenchResults.Report("lexical", rows, new
        {
            depth = Depth, quality, latency = latencies,
            build = builds.Select(b => new { engine = b.Engine, patterns = size, seconds = b.Seconds }),
        });
    }

    private static async Task CreateDatabaseAsync(BenchRun run)
    {
        await using var admin = NpgsqlDataSource.Create(run.AdminConnectionString);
        await using var create = admin.CreateCommand($"CREATE DATABASE {run.Name}");
        await create.ExecuteNonQueryAsync();
    }

    private sealed record Quality(string Set, string Engine, int Queries, double HitAt1, double HitAt3, double MrrAt10);

    private sealed record Latency(string Engine, int Patterns, double P50Ms, double P99Ms);
}

/// <summary>A labelled query of ops/sample-data: its set, intent, context and the pattern names a person expects.</summary>
internal sealed record LabelledQuery(string Set, string Intent, string? Context, string[] Expected)
{
    /// <summary>The query as the match request embeds it: the intent, then its context.</summary>
    public string Text => Intent + (Context is { Length: > 0 } c ? "\nContext: " + c : "");

    public static IEnumerable<LabelledQuery> Tune(string set, string file) => Split(set, file, "tune");

    /// <summary>The queries kept apart from every fit and choice, the only ones figures are reported on.</summary>
    public static IEnumerable<LabelledQuery> Report(string set, string file) => Split(set, file, "report");

    private static IEnumerable<LabelledQuery> Split(string set, string file, string split) =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(TestServices.RepositoryRoot, "ops", "sample-data", file)))!.AsArray()
            .Where(q => q!["split"]!.GetValue<string>() == split)
            .Select(q => new LabelledQuery(set, q!["intent"]!.GetValue<string>(), q["context"]?.GetValue<string>(),
                q["expected"]!.AsArray().Select(e => e!.GetValue<string>()).ToArray()));
}
