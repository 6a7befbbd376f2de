using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Npgsql;
using PatternSync.Core.Embeddings;
using PatternSync.Core.Patterns;

namespace PatternSync.Bench;

/// <summary>
/// Match latency at 1k, 10k (and optionally 100k) patterns on the embedded PostgreSQL index, through
/// the API as a real process: uncached (every intent new, so the query is embedded) and cached (the
/// same intents again). Rows are the sample patterns cloned into variants; their vectors are random
/// unit vectors of the model's size, which costs an exact search exactly what real ones cost, and
/// saves embedding 100k texts first (that throughput is the embedder benchmark's subject).
/// </summary>
internal static class MatchLatencyBenchmark
{
    public static async Task<int> RunAsync(string[] args)
    {
        var sizes = args.Contains("--with-100k") ? new[] { 1_000, 10_000, 100_000 } : [1_000, 10_000];
        var queries = BenchResults.Option(args, "--queries", 200);
        var run = BenchRun.New("benchmatch");
        const string apiUrl = "http://127.0.0.1:18090";

        await using var api = BenchRun.StartHost("PatternApi", apiUrl, run.Settings(("Database:MigrateOnStart", "true"),
            ("VectorIndex:Provider", "Postgres"), ("Outbox:RelayEnabled", "false")));
        await api.WaitReadyAsync(TimeSpan.FromSeconds(60));
        await using var dataSource = NpgsqlDataSource.Create(run.ConnectionString);
        using var http = new HttpClient { BaseAddress = new Uri(apiUrl) };
        var intents = QueryIntents(queries);

        var rows = new List<(string, string)>();
        var figures = new List<object>();
        var loaded = 0;
        foreach (var size in sizes)
        {
            Console.Error.Write($"loading {size} patterns...");
            await BenchData.LoadIndexedAsync(dataSource, loaded, size);
            loaded = size;
            Console.Error.WriteLine(" done");
            // Steady state first: the API has read every vector, and its hot paths run tier-1 JIT code
            // (a fresh process runs tier-0 code for its first few hundred requests).
            await TimeAsync(http, intents.Take(300).Select(i => $"warm-up: {i} ({size})").ToList());
            var before = await ServiceMetrics.ScrapeAsync(http);
            var uncached = await TimeAsync(http, intents.Select(i => $"{i} ({size})").ToList());
            var between = await ServiceMetrics.ScrapeAsync(http);
            var cached = await TimeAsync(http, intents.Select(i => $"{i} ({size})").ToList());
            var after = await ServiceMetrics.ScrapeAsync(http);
            rows.Add(($"{size,7} patterns, uncached", BenchResults.Table(uncached)));
            rows.Add(("    of which (means)", Breakdown(between, before)));
            rows.Add(($"{size,7} patterns, cached", BenchResults.Table(cached)));
            rows.Add(("    of which (means)", Breakdown(after, between)));
            figures.Add(new
            {
                patterns = size,
                uncached_p50_ms = BenchResults.Percentile(uncached, 0.5), uncached_p99_ms = BenchResults.Percentile(uncached, 0.99),
                cached_p50_ms = BenchResults.Percentile(cached, 0.5), cached_p99_ms = BenchResults.Percentile(cached, 0.99),
            });
        }
        BenchResults.Report("match-latency",
            [("index", "embedded PostgreSQL provider, exact cosine, limit 10, API as a process"), .. rows], figures);

        await api.DisposeAsync();
        await run.DropAsync();
        return 0;
    }

    /// <summary>Where a phase's time went inside the API, from its own histograms.</summary>
    private static string Breakdown(ServiceMetrics after, ServiceMetrics before) =>
        $"matcher {after.MeanMsSince(before, "pattern_match_latency_seconds"):F1} ms: " +
        $"index search {after.MeanMsSince(before, "qdrant_search_duration_seconds"):F1} ms, " +
        $"row lookup {after.MeanMsSince(before, "postgres_lookup_duration_seconds"):F1} ms, the rest is the query embedding";

    private static async Task<List<double>> TimeAsync(HttpClient http, IReadOnlyList<string> intents)
    {
        var times = new List<double>(intents.Count);
        foreach (var intent in intents)
        {
            var watch = Stopwatch.StartNew();
            await MatchAsync(http, intent);
            times.Add(watch.Elapsed.TotalMilliseconds);
        }
        times.Sort();
        return times;
    }

    private static async Task MatchAsync(HttpClient http, string intent)
    {
        var request = new JsonObject { ["intent"] = intent, ["limit"] = 10, ["min_confidence"] = 0.0 };
        var response = await http.PostAsJsonAsync("/api/v1/patterns/match", request);
        response.EnsureSuccessStatusCode();
        var body = await response.Content.ReadFromJsonAsync<JsonObject>();
        if (body!["total_matches"]!.GetValue<int>() == 0) throw new InvalidOperationException("a benchmark match found nothing");
    }

    private static List<string> QueryIntents(int count)
    {
        string[] problems = ["our checkout API is slow under load", "retries hammer the payment provider",
            "database connections run out at peak", "deploys cause a burst of errors", "the nightly ETL no longer finishes",
            "tokens leak into logs", "CI takes forty minutes",
            "we cannot tell which service is slow", "the cache stampedes after a deploy", "a schema change locked the orders table"];
        return Enumerable.Range(0, count).Select(i => $"{problems[i % problems.Length]}, case {i}").ToList();
    }
}
