using System.Diagnostics;
using System.Net.Http.Json;
using Npgsql;
using PatternSync.Core.Embeddings;

namespace PatternSync.Bench;

/// <summary>
/// Sync throughput against its limit: the embedder alone on N pattern texts (batches of 64, the worker's
/// batch), then the pipeline draining a backlog of the same N committed creates (outbox, RabbitMQ,
/// worker, embedded index) with the API and the worker as processes. Pipeline rate = N / (last
/// indexed_at - first indexed_at).
/// </summary>
internal static class PipelineThroughputBenchmark
{
    public static async Task<int> RunAsync(string[] args)
    {
        var count = BenchResults.Option(args, "--patterns", 640);
        var samples = SampleTexts.Patterns();
        var patterns = Enumerable.Range(0, count)
            .Select(i => samples[i % samples.Count] with { Name = $"{samples[i % samples.Count].Name} #{i}" })
            .ToList();

        double embedderRate;
        using (var embedder = new MiniLmEmbeddingGenerator())
        {
            var texts = patterns.Select(p => p.EmbeddingText()).ToList();
            await embedder.GenerateAsync(texts.Take(64).ToList()); // load and warm up
            var watch = Stopwatch.StartNew();
            foreach (var batch in texts.Chunk(64)) await embedder.GenerateAsync(batch);
            embedderRate = count / watch.Elapsed.TotalSeconds;
        }

        var run = BenchRun.New("benchthr");
        const string apiUrl = "http://127.0.0.1:18110";
        var settings = run.Settings(("VectorIndex:Provider", "Postgres"));
        await using var api = BenchRun.StartHost("PatternApi", apiUrl,
            run.Settings(("VectorIndex:Provider", "Postgres"), ("Database:MigrateOnStart", "true")));
        await api.WaitReadyAsync(TimeSpan.FromSeconds(60));
        using var http = new HttpClient { BaseAddress = new Uri(apiUrl) };
        Console.Error.WriteLine($"committing {count} creates with no worker running...");
        await Parallel.ForEachAsync(patterns, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (p, ct) =>
            (await http.PostAsJsonAsync("/api/v1/patterns", p.Body(), ct)).EnsureSuccessStatusCode());
        await using var dataSource = NpgsqlDataSource.Create(run.ConnectionString);
        while (await BenchData.ScalarAsync(dataSource, "SELECT count(*) FROM outbox_messages WHERE sent_at IS NULL") > 0)
            await Task.Delay(100);

        Console.Error.WriteLine("starting the worker to drain the backlog...");
        await using var worker = BenchRun.StartHost("SyncWorker", "http://127.0.0.1:18111", settings);
        var deadline = DateTime.UtcNow.AddMinutes(15);
        const string notIndexed = "SELECT count(*) FROM success_patterns WHERE indexed_version IS DISTINCT FROM version";
        while (await BenchData.ScalarAsync(dataSource, notIndexed) > 0)
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("the worker did not drain the backlog in 15 minutes");
            await Task.Delay(200);
        }
        const string indexingSpanMs =
            "SELECT (EXTRACT(EPOCH FROM max(indexed_at) - min(indexed_at)) * 1000)::bigint FROM success_patterns";
        var seconds = await BenchData.ScalarAsync(dataSource, indexingSpanMs) / 1000.0;
        var pipelineRate = (count - 1) / seconds;
        BenchResults.Report("pipeline-throughput",
        [
            ("patterns", $"{count} sample-pattern texts (150-250 tokens)"),
            ("embedder alone (batches of 64)", $"{embedderRate:F1} patterns/s"),
            ("pipeline draining the backlog", $"{pipelineRate:F1} patterns/s ({seconds:F1} s)"),
            ("ratio (goal >= 0.9)", $"{pipelineRate / embedderRate:F2}"),
        ], new
        {
            patterns = count, embedder_per_second = embedderRate, pipeline_per_second = pipelineRate, ratio = pipelineRate / embedderRate,
        });
        await api.DisposeAsync();
        await worker.DisposeAsync();
        await run.DropAsync();
        return 0;
    }
}
