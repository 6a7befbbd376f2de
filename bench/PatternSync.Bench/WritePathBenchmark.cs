using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Npgsql;

namespace PatternSync.Bench;

/// <summary>
/// The write path against its floor: a bare INSERT of the same rows into success_patterns (8 connections)
/// vs the API's create (8 concurrent HTTP clients): validation, JSON, EF Core, the outbox row and the
/// NOTIFY in the same transaction, with the relay publishing alongside. Throughput, p50/p99, ratio.
/// </summary>
internal static class WritePathBenchmark
{
    public static async Task<int> RunAsync(string[] args)
    {
        var count = BenchResults.Option(args, "--writes", 2000);
        const int concurrency = 8;
        var samples = SampleTexts.Patterns();
        var run = BenchRun.New("benchwrite");
        const string apiUrl = "http://127.0.0.1:18120";
        // --no-relay separates the write path's own cost from the relay publishing on the same cores.
        await using var api = BenchRun.StartHost("PatternApi", apiUrl, run.Settings(("VectorIndex:Provider", "Postgres"),
            ("Database:MigrateOnStart", "true"), ("Outbox:RelayEnabled", (!args.Contains("--no-relay")).ToString())));
        await api.WaitReadyAsync(TimeSpan.FromSeconds(60));
        await using var dataSource = NpgsqlDataSource.Create(run.ConnectionString);
        using var http = new HttpClient { BaseAddress = new Uri(apiUrl) };

        // Both paths run to steady state first: a fresh API runs its tier-0 JIT code at about half speed
        // for its first ~20 s under load, which is start-up, not the write path.
        var warmUp = TimeSpan.FromSeconds(BenchResults.Option(args, "--warm-up-seconds", 20));
        Func<int, Task> bareInsert = i => InsertAsync(dataSource, samples, i);
        Func<int, Task> apiCreate = i => CreateAsync(http, samples, i);
        await WarmUpAsync(warmUp / 4, concurrency, bareInsert);
        var bare = await MeasureAsync(count, concurrency, bareInsert);
        await WarmUpAsync(warmUp, concurrency, apiCreate);
        var viaApi = await MeasureAsync(count, concurrency, apiCreate);

        BenchResults.Report("write-path",
        [
            ("writes", $"{count} each, {concurrency} concurrent"),
            ("bare INSERT", $"{bare.PerSecond:F0}/s; {BenchResults.Table(bare.Sorted)}"),
            ("API create + outbox", $"{viaApi.PerSecond:F0}/s; {BenchResults.Table(viaApi.Sorted)}"),
            ("ratio (goal >= 0.7)", $"{viaApi.PerSecond / bare.PerSecond:F2}"),
        ], new
        {
            writes = count, concurrency, bare_per_second = bare.PerSecond, bare_p99_ms = BenchResults.Percentile(bare.Sorted, 0.99),
            api_per_second = viaApi.PerSecond, api_p99_ms = BenchResults.Percentile(viaApi.Sorted, 0.99),
            ratio = viaApi.PerSecond / bare.PerSecond,
        });
        await api.DisposeAsync();
        await run.DropAsync();
        return 0;
    }

    private static async Task InsertAsync(NpgsqlDataSource dataSource, IReadOnlyList<SampleTexts.SamplePattern> samples, int i)
    {
        var p = samples[Math.Abs(i) % samples.Count];
        await using var command = dataSource.CreateCommand("""
            INSERT INTO success_patterns (pattern_id, pattern_type, name, description, context_hash, execution_trace, success_criteria,
                quality_metrics, performance_data, tags, status, version, quality_score, match_count, success_count, failure_count,
                content_hash, created_at, updated_at)
            VALUES (@id, @type, @name, @description, repeat('0', 64), @trace::jsonb, '{}', '{}', '{}', @tags, 'active',
                    1, 0.9, 0, 0, 0, repeat('0', 64), now(), now())
            """);
        command.Parameters.AddWithValue("id", Guid.CreateVersion7());
        command.Parameters.AddWithValue("type", p.PatternType);
        command.Parameters.AddWithValue("name", $"bare {p.Name} #{i}");
        command.Parameters.AddWithValue("description", p.Description);
        command.Parameters.AddWithValue("trace", p.ExecutionTrace);
        command.Parameters.AddWithValue("tags", p.Tags);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task CreateAsync(HttpClient http, IReadOnlyList<SampleTexts.SamplePattern> samples, int i)
    {
        var p = samples[Math.Abs(i) % samples.Count];
        var response = await http.PostAsJsonAsync("/api/v1/patterns", new JsonObject
        {
            ["pattern_type"] = p.PatternType, ["name"] = $"{p.Name} #{i}", ["description"] = p.Description,
            ["tags"] = new JsonArray(p.Tags.Select(t => (JsonNode?)t).ToArray()), ["execution_trace"] = JsonNode.Parse(p.ExecutionTrace),
        });
        response.EnsureSuccessStatusCode();
    }

    /// <summary>Writes with negative numbers (distinct names) until the time is up.</summary>
    private static async Task WarmUpAsync(TimeSpan duration, int concurrency, Func<int, Task> write)
    {
        var next = 0;
        var until = Stopwatch.StartNew();
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = concurrency };
        await Parallel.ForEachAsync(Enumerable.Range(0, concurrency), parallel, async (_, _) =>
        {
            while (until.Elapsed < duration) await write(-1 - Interlocked.Increment(ref next));
        });
    }

    private static async Task<(double PerSecond, List<double> Sorted)> MeasureAsync(int count, int concurrency, Func<int, Task> write)
    {
        var times = new ConcurrentBag<double>();
        var total = Stopwatch.StartNew();
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = concurrency };
        await Parallel.ForEachAsync(Enumerable.Range(0, count), parallel, async (i, _) =>
        {
            var watch = Stopwatch.StartNew();
            await write(i);
            times.Add(watch.Elapsed.TotalMilliseconds);
        });
        var sorted = times.OrderBy(t => t).ToList();
        return (count / total.Elapsed.TotalSeconds, sorted);
    }
}
