using System.Text.Json.Nodes;
using Npgsql;
using PatternSync.Core.Embeddings;

namespace PatternSync.Bench;

/// <summary>
/// Match latency at 1k, 10k (and optionally 100k) patterns on the embedded PostgreSQL index, through the API as a real
/// process: uncached (every intent new, so the query is embedded) and cached (the same intents again), each with
/// <c>ranking: similarity</c> and <c>ranking: learned</c> side by side. Rows are the sample patterns cloned into
/// variants; their vectors are random unit vectors of the model's size, which costs an exact search exactly what real
/// ones cost, and saves embedding 100k texts first (that throughput is the embedder benchmark's subject). Each size
/// comes with outcome rows for the learned ranking to read (see <see cref="BenchOutcomes"/>).
/// </summary>
internal static class MatchLatencyBenchmark
{
    private static readonly string[] Rankings = ["similarity", "learned"];
    internal static readonly string[] Problems = ["our checkout API is slow under load", "retries hammer the payment provider",
        "database connections run out at peak", "deploys cause a burst of errors", "the nightly ETL no longer finishes",
        "tokens leak into logs", "CI takes forty minutes",
        "we cannot tell which service is slow", "the cache stampedes after a deploy", "a schema change locked the orders table"];

    public static async Task<int> RunAsync(string[] args)
    {
        var sizes = args.Contains("--with-100k") ? new[] { 1_000, 10_000, 100_000 } : [1_000, 10_000];
        var queries = BenchResults.Option(args, "--queries", 1000);
        var outcomesPer10k = BenchResults.Option(args, "--outcomes", 100_000);
        var run = BenchRun.New("benchmatch");
        var (rows, figures) = await MeasureAsync(run, sizes, queries, outcomesPer10k);
        BenchResults.Report("match-latency",
            [("index", "embedded PostgreSQL provider, exact cosine, limit 10, API as a process"),
                ("order", $"similarity and learned alternate in blocks of {AlternatingMatches.BlockSize}; "
                    + "goal: p99 learned/similarity <= 1.5"),
                .. rows], figures);
        await run.DropAsync();
        return 0;
    }

    /// <summary>Each size loaded and timed in turn; the API has stopped when it returns (before the database is dropped).</summary>
    private static async Task<(List<(string, string)> Rows, List<object> Figures)> MeasureAsync(
        BenchRun run, int[] sizes, int queries, int outcomesPer10k)
    {
        const string apiUrl = "http://127.0.0.1:18090";
        var problemVectors = await EmbedProblemsAsync();

        await using var api = BenchRun.StartHost("PatternApi", apiUrl, run.Settings(("Database:MigrateOnStart", "true"),
            ("VectorIndex:Provider", "Postgres"), ("Outbox:RelayEnabled", "false")));
        await api.WaitReadyAsync(TimeSpan.FromSeconds(60));
        await using var dataSource = NpgsqlDataSource.Create(run.ConnectionString);
        using var http = new HttpClient { BaseAddress = new Uri(apiUrl) };
        var intents = Enumerable.Range(0, queries).Select(i => $"{Problems[i % Problems.Length]}, case {i}").ToList();

        var rows = new List<(string, string)>();
        var figures = new List<object>();
        var loaded = 0;
        foreach (var size in sizes)
        {
            Console.Error.Write($"loading {size} patterns...");
            var patterns = await BenchData.LoadIndexedAsync(dataSource, loaded, size);
            var outcomes = (int)((long)outcomesPer10k * (size - loaded) / 10_000);
            Console.Error.Write($" and {outcomes} outcomes...");
            if (outcomes > 0) await BenchOutcomes.LoadAsync(dataSource, patterns, outcomes, problemVectors, seed: size);
            loaded = size;
            Console.Error.WriteLine(" done");
            // Steady state first: the API has read every vector, and its hot paths run tier-1 JIT code
            // (a fresh process runs tier-0 code for its first few hundred requests).
            await AlternateAsync(http, intents.Take(300).ToList(), $"warm-up, {size}");
            var uncached = await AlternateAsync(http, intents, $"{size}");
            var cached = await AlternateAsync(http, intents, $"{size}");
            var outcomeRows = await BenchData.ScalarAsync(dataSource, "SELECT count(*) FROM pattern_outcomes");
            rows.Add(($"{size,7} patterns", outcomeRows > 0 ? "outcomes " + await BenchOutcomes.DescribeAsync(dataSource) : "no outcomes"));
            rows.AddRange(Rows("uncached", uncached));
            rows.AddRange(Rows("cached", cached));
            figures.Add(new
            {
                patterns = size,
                outcomes = outcomeRows,
                uncached = Figures(uncached),
                cached = Figures(cached),
            });
        }
        return (rows, figures);
    }

    /// <summary>The problems the intents are cases of, embedded: some outcomes' queries lie near them.</summary>
    private static async Task<IReadOnlyList<float[]>> EmbedProblemsAsync()
    {
        using var generator = new MiniLmEmbeddingGenerator();
        var embeddings = await generator.GenerateAsync(Problems);
        return embeddings.Select(e => BenchData.Normalised(e.Vector.ToArray())).ToList();
    }

    /// <summary>
    /// Each intent once per ranking, tagged with <paramref name="tag"/> and the ranking (so one ranking's query is not the
    /// other's cache hit).
    /// </summary>
    private static Task<Dictionary<string, AlternatingMatches.ArmTimes>> AlternateAsync(
        HttpClient http, IReadOnlyList<string> intents, string tag) =>
        AlternatingMatches.RunAsync(http, intents, Rankings, (intent, ranking) => new JsonObject
        {
            ["intent"] = $"{intent} ({tag}, {ranking})", ["limit"] = 10, ["min_confidence"] = 0.0, ["ranking"] = ranking,
        });

    private static IEnumerable<(string, string)> Rows(string phase, Dictionary<string, AlternatingMatches.ArmTimes> times)
    {
        foreach (var ranking in Rankings)
        {
            yield return ($"  {phase}, {ranking}", BenchResults.Table(times[ranking].Ms));
            yield return ("    of which (means)", AlternatingMatches.Breakdown(times[ranking]));
        }
        yield return ($"  {phase}, learned/similarity",
            $"p50 x{Ratio(times, 0.5):F2}, p99 x{Ratio(times, 0.99):F2}" + (Ratio(times, 0.99) <= 1.5 ? "" : " (over the goal)"));
    }

    private static object Figures(Dictionary<string, AlternatingMatches.ArmTimes> times) => new
    {
        similarity_p50_ms = BenchResults.Percentile(times["similarity"].Ms, 0.5),
        similarity_p99_ms = BenchResults.Percentile(times["similarity"].Ms, 0.99),
        learned_p50_ms = BenchResults.Percentile(times["learned"].Ms, 0.5),
        learned_p99_ms = BenchResults.Percentile(times["learned"].Ms, 0.99),
        p50_ratio = Ratio(times, 0.5),
        p99_ratio = Ratio(times, 0.99),
    };

    private static double Ratio(Dictionary<string, AlternatingMatches.ArmTimes> times, double p) =>
        BenchResults.Percentile(times["learned"].Ms, p) / BenchResults.Percentile(times["similarity"].Ms, p);
}
