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
        var pgPort = int.TryParse(Environment.GetEnvironmentVariable("PATTERNSYNC_PG_PORT"), out var p) ? p : 55432;
        var mqPort = int.TryParse(Environment.GetEnvironmentVariable("PATTERNSYNC_RABBITMQ_PORT"), out var m) ? m : 55672;
        var run = $"benchmatch{DateTime.UtcNow:HHmmss}";
        var connectionString = $"Host=127.0.0.1;Port={pgPort};Username=postgres;Database={run}";
        const string apiUrl = "http://127.0.0.1:18090";

        await using var api = ServiceProcess.Start("PatternApi", apiUrl, new Dictionary<string, string>
        {
            ["ConnectionStrings:Patterns"] = connectionString, ["Database:MigrateOnStart"] = "true", ["RabbitMq:Port"] = mqPort.ToString(),
            ["RabbitMq:EntityPrefix"] = run + "-", ["VectorIndex:Provider"] = "Postgres", ["Outbox:RelayEnabled"] = "false",
        });
        await ServiceProcess.WaitReadyAsync(apiUrl, TimeSpan.FromSeconds(60));
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        using var http = new HttpClient { BaseAddress = new Uri(apiUrl) };
        var intents = QueryIntents(queries);

        var rows = new List<(string, string)>();
        var figures = new List<object>();
        var loaded = 0;
        foreach (var size in sizes)
        {
            Console.Error.Write($"loading {size} patterns...");
            await LoadAsync(dataSource, loaded, size);
            loaded = size;
            Console.Error.WriteLine(" done");
            await MatchAsync(http, "warm-up so the API has read every vector");
            var uncached = await TimeAsync(http, intents.Select(i => $"{i} ({size})").ToList());
            var cached = await TimeAsync(http, intents.Select(i => $"{i} ({size})").ToList());
            rows.Add(($"{size,7} patterns, uncached", BenchResults.Table(uncached)));
            rows.Add(($"{size,7} patterns, cached", BenchResults.Table(cached)));
            figures.Add(new
            {
                patterns = size, uncached_p50_ms = BenchResults.Percentile(uncached, 0.5), uncached_p99_ms = BenchResults.Percentile(uncached, 0.99),
                cached_p50_ms = BenchResults.Percentile(cached, 0.5), cached_p99_ms = BenchResults.Percentile(cached, 0.99),
            });
        }
        BenchResults.Report("match-latency", [("index", "embedded PostgreSQL provider, exact cosine, limit 10, API as a process"), .. rows], figures);

        await api.DisposeAsync();
        NpgsqlConnection.ClearAllPools();
        await using var admin = NpgsqlDataSource.Create($"Host=127.0.0.1;Port={pgPort};Username=postgres;Database=postgres");
        await using var drop = admin.CreateCommand($"DROP DATABASE IF EXISTS {run} WITH (FORCE)");
        await drop.ExecuteNonQueryAsync();
        return 0;
    }

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
        var response = await http.PostAsJsonAsync("/api/v1/patterns/match", new JsonObject { ["intent"] = intent, ["limit"] = 10, ["min_confidence"] = 0.0 });
        response.EnsureSuccessStatusCode();
        var body = await response.Content.ReadFromJsonAsync<JsonObject>();
        if (body!["total_matches"]!.GetValue<int>() == 0) throw new InvalidOperationException("a benchmark match found nothing");
    }

    /// <summary>Rows from loaded to size: sample patterns cloned with a variant suffix, with random unit vectors.</summary>
    private static async Task LoadAsync(NpgsqlDataSource dataSource, int from, int to)
    {
        var samples = SampleTexts.Patterns();
        var random = new Random(from + 1);
        var modelKey = $"{MiniLmEmbeddingGenerator.ModelId}/{MiniLmEmbeddingGenerator.Dimensions}";
        for (var start = from; start < to; start += 1000)
        {
            await using var batch = dataSource.CreateBatch();
            for (var i = start; i < Math.Min(to, start + 1000); i++)
            {
                var sample = samples[i % samples.Count];
                var id = Guid.CreateVersion7();
                var name = $"{sample.Name} #{i}";
                var hash = PatternEmbeddingText.Hash(name);
                var row = new NpgsqlBatchCommand("""
                    INSERT INTO success_patterns (pattern_id, pattern_type, name, description, context_hash, execution_trace, success_criteria,
                        quality_metrics, performance_data, tags, status, version, quality_score, match_count, success_count, failure_count,
                        content_hash, created_at, updated_at)
                    VALUES (@id, @type, @name, @description, repeat('0', 64), @trace::jsonb, '{}', '{}', '{}', @tags, 'active', 1, 0.9, 0, 0, 0, @hash, now(), now())
                    """);
                row.Parameters.AddWithValue("id", id);
                row.Parameters.AddWithValue("type", sample.PatternType);
                row.Parameters.AddWithValue("name", name);
                row.Parameters.AddWithValue("description", sample.Description);
                row.Parameters.AddWithValue("trace", sample.ExecutionTrace);
                row.Parameters.AddWithValue("tags", sample.Tags);
                row.Parameters.AddWithValue("hash", hash);
                batch.BatchCommands.Add(row);
                var vector = new NpgsqlBatchCommand("""
                    INSERT INTO pattern_vectors (pattern_id, version, model, embedding, content_hash, pattern_type, status, tags, quality_score, match_count, created_at)
                    VALUES (@id, 1, @model, @embedding, @hash, @type, 'active', @tags, 0.9, 0, 0)
                    """);
                vector.Parameters.AddWithValue("id", id);
                vector.Parameters.AddWithValue("model", modelKey);
                vector.Parameters.AddWithValue("embedding", RandomUnitVector(random, MiniLmEmbeddingGenerator.Dimensions));
                vector.Parameters.AddWithValue("hash", hash);
                vector.Parameters.AddWithValue("type", sample.PatternType);
                vector.Parameters.AddWithValue("tags", sample.Tags);
                batch.BatchCommands.Add(vector);
            }
            await batch.ExecuteNonQueryAsync();
        }
    }

    private static float[] RandomUnitVector(Random random, int dimensions)
    {
        var vector = new float[dimensions];
        for (var i = 0; i < dimensions; i++) vector[i] = (float)(random.NextDouble() * 2 - 1);
        var norm = MathF.Sqrt(vector.Sum(x => x * x));
        for (var i = 0; i < dimensions; i++) vector[i] /= norm;
        return vector;
    }

    private static List<string> QueryIntents(int count)
    {
        string[] problems = ["our checkout API is slow under load", "retries hammer the payment provider", "database connections run out at peak",
            "deploys cause a burst of errors", "the nightly ETL no longer finishes", "tokens leak into logs", "CI takes forty minutes",
            "we cannot tell which service is slow", "the cache stampedes after a deploy", "a schema change locked the orders table"];
        return Enumerable.Range(0, count).Select(i => $"{problems[i % problems.Length]}, case {i}").ToList();
    }
}
