using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;
using PatternSync.Core.Embeddings;
using PatternSync.Core.Patterns;

namespace PatternSync.Bench;

/// <summary>The local embedder alone, on real pattern texts: the ceiling the sync pipeline is measured against.</summary>
internal static class EmbedderBenchmark
{
    public static async Task<int> RunAsync(string[] args)
    {
        var count = BenchResults.Option(args, "--texts", 1024);
        var batch = BenchResults.Option(args, "--batch", 32);
        var texts = SampleTexts.Load(count);
        using var generator = new MiniLmEmbeddingGenerator();
        await generator.GenerateAsync(texts.Take(batch)); // load the model and warm up

        var batchTimes = new List<double>();
        var total = Stopwatch.StartNew();
        foreach (var chunk in texts.Chunk(batch))
        {
            var watch = Stopwatch.StartNew();
            await generator.GenerateAsync(chunk);
            batchTimes.Add(watch.Elapsed.TotalMilliseconds);
        }
        total.Stop();
        batchTimes.Sort();
        var perSecond = texts.Count / total.Elapsed.TotalSeconds;
        BenchResults.Report("embedder",
        [
            ("model", $"{MiniLmEmbeddingGenerator.ModelId} ({MiniLmEmbeddingGenerator.Dimensions} dims)"),
            ("texts / batch size", $"{texts.Count} / {batch}"),
            ("throughput", $"{perSecond:F0} texts/s"),
            ("batch p50 / p99", $"{BenchResults.Percentile(batchTimes, 0.5):F1} / {BenchResults.Percentile(batchTimes, 0.99):F1} ms"),
        ], new { model = MiniLmEmbeddingGenerator.ModelId, texts = texts.Count, batch, texts_per_second = perSecond,
            batch_p50_ms = BenchResults.Percentile(batchTimes, 0.5), batch_p99_ms = BenchResults.Percentile(batchTimes, 0.99) });
        return 0;
    }
}

/// <summary>The sample patterns (ops/sample-data), and their embedding texts repeated with a suffix to reach a count.</summary>
internal static class SampleTexts
{
    public sealed record SamplePattern(string PatternType, string Name, string Description, string[] Tags, string ExecutionTrace);

    /// <summary>The sample patterns as create requests, as ops/load-sample-data.sh sends them.</summary>
    public static IReadOnlyList<JsonObject> Bodies() =>
        Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "sample-data"), "*.json")
            .SelectMany(file => JsonNode.Parse(File.ReadAllText(file))!.AsArray().Select(p => p!.AsObject()))
            .ToList();

    public static IReadOnlyList<SamplePattern> Patterns() =>
        Bodies()
            .Select(p => new SamplePattern(p["pattern_type"]!.GetValue<string>(), p["name"]!.GetValue<string>(),
                p["description"]!.GetValue<string>(), p["tags"]!.AsArray().Select(t => t!.GetValue<string>()).ToArray(),
                p["execution_trace"]!.ToJsonString()))
            .ToList();

    public static IReadOnlyList<string> Load(int count)
    {
        var texts = Patterns()
            .Select(p => PatternEmbeddingText.Compose(p.PatternType, p.Name, p.Description, p.Tags,
                ExecutionTrace.Steps(JsonNode.Parse(p.ExecutionTrace))))
            .ToList();
        return Enumerable.Range(0, count)
            .Select(i => i < texts.Count ? texts[i] : $"{texts[i % texts.Count]} (variant {i / texts.Count})")
            .ToList();
    }
}
