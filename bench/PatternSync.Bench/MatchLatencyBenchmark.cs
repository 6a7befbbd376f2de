using System.Diagnostics;
using System.Net.Http.Json;
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
    // Blocks of requests alternate between the rankings, so both see the same machine noise, and each block is one
    // span of the API's histograms for the breakdown.
    private const int BlockSize = 10;
    private static readonly string[] Rankings = ["similarity", "learned"];
    private static readonly string[] Problems = ["our checkout API is slow under load", "retries hammer the payment provider",
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
                ("order", $"similarity and learned alternate in blocks of {BlockSize}; goal: p99 learned/similarity <= 1.5"),
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

    /// <summary>One ranking's times in a phase (sorted once the phase is over) and its spans of the API's histograms.</summary>
    private sealed record RankingTimes(List<double> Ms, List<(ServiceMetrics Before, ServiceMetrics After)> Spans);

    /// <summary>
    /// Each intent once per ranking, tagged with <paramref name="tag"/> and the ranking (so one ranking's query is not the
    /// other's cache hit), block by block, the first ranking of a block pair swapping every pair.
    /// </summary>
    private static async Task<Dictionary<string, RankingTimes>> AlternateAsync(
        HttpClient http, IReadOnlyList<string> intents, string tag)
    {
        var times = Rankings.ToDictionary(r => r, _ => new RankingTimes([], []));
        var snapshot = await ServiceMetrics.ScrapeAsync(http);
        var blocks = intents.Chunk(BlockSize).ToList();
        for (var b = 0; b < blocks.Count; b++)
        {
            foreach (var ranking in b % 2 == 0 ? Rankings : Rankings.AsEnumerable().Reverse())
            {
                foreach (var intent in blocks[b])
                {
                    var watch = Stopwatch.StartNew();
                    await MatchAsync(http, $"{intent} ({tag}, {ranking})", ranking);
                    times[ranking].Ms.Add(watch.Elapsed.TotalMilliseconds);
                }
                var next = await ServiceMetrics.ScrapeAsync(http);
                times[ranking].Spans.Add((snapshot, next));
                snapshot = next;
            }
        }
        foreach (var t in times.Values) t.Ms.Sort();
        return times;
    }

    private static async Task MatchAsync(HttpClient http, string intent, string ranking)
    {
        var request = new JsonObject { ["intent"] = intent, ["limit"] = 10, ["min_confidence"] = 0.0, ["ranking"] = ranking };
        var response = await http.PostAsJsonAsync("/api/v1/patterns/match", request);
        response.EnsureSuccessStatusCode();
        var body = await response.Content.ReadFromJsonAsync<JsonObject>();
        if (body!["total_matches"]!.GetValue<int>() == 0) throw new InvalidOperationException("a benchmark match found nothing");
    }

    private static IEnumerable<(string, string)> Rows(string phase, Dictionary<string, RankingTimes> times)
    {
        foreach (var ranking in Rankings)
        {
            yield return ($"  {phase}, {ranking}", BenchResults.Table(times[ranking].Ms));
            yield return ("    of which (means)", Breakdown(times[ranking].Spans));
        }
        yield return ($"  {phase}, learned/similarity",
            $"p50 x{Ratio(times, 0.5):F2}, p99 x{Ratio(times, 0.99):F2}" + (Ratio(times, 0.99) <= 1.5 ? "" : " (over the goal)"));
    }

    private static object Figures(Dictionary<string, RankingTimes> times) => new
    {
        similarity_p50_ms = BenchResults.Percentile(times["similarity"].Ms, 0.5),
        similarity_p99_ms = BenchResults.Percentile(times["similarity"].Ms, 0.99),
        learned_p50_ms = BenchResults.Percentile(times["learned"].Ms, 0.5),
        learned_p99_ms = BenchResults.Percentile(times["learned"].Ms, 0.99),
        p50_ratio = Ratio(times, 0.5),
        p99_ratio = Ratio(times, 0.99),
    };

    private static double Ratio(Dictionary<string, RankingTimes> times, double p) =>
        BenchResults.Percentile(times["learned"].Ms, p) / BenchResults.Percentile(times["similarity"].Ms, p);

    /// <summary>Where a ranking's time went inside the API, from its own histograms.</summary>
    private static string Breakdown(List<(ServiceMetrics Before, ServiceMetrics After)> spans) =>
        $"matcher {ServiceMetrics.MeanMs(spans, "pattern_match_latency_seconds"):F1} ms: " +
        $"index search {ServiceMetrics.MeanMs(spans, "qdrant_search_duration_seconds"):F1} ms, " +
        $"row lookup {ServiceMetrics.MeanMs(spans, "postgres_lookup_duration_seconds"):F1} ms, " +
        $"ranking {ServiceMetrics.MeanMs(spans, "pattern_ranking_duration_seconds"):F1} ms, the rest is the query embedding";
}
