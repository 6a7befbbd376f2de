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
        var (perSecond, batchTimes) = await MeasureAsync(texts, batch);
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

    /// <summary>The local model's standalone rate on <paramref name="texts"/> in batches after a warm-up batch; batch times.</summary>
    public static async Task<(double TextsPerSecond, List<double> BatchMs)> MeasureAsync(IReadOnlyList<string> texts, int batch)
    {
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
        return (texts.Count / total.Elapsed.TotalSeconds, batchTimes);
    }
}

/// <summary>The sample patterns (ops/sample-data), and their embedding texts repeated with a suffix to reach a count.</summary>
internal static class SampleTexts
{
    public sealed record SamplePattern(string PatternType, string Name, string Description, string[] Tags, string ExecutionTrace)
    {
        /// <summary>The text the worker embeds for this pattern.</summary>
        public string EmbeddingText() =>
            PatternEmbeddingText.Compose(
            PatternType, Name, Description, Tags, Core.Patterns.ExecutionTrace.Steps(JsonNode.Parse(ExecutionTrace)));

        /// <summary>This pattern as a create request.</summary>
        public JsonObject Body() => new()
        {
            ["pattern_type"] = PatternType, ["name"] = Name, ["description"] = Description,
            ["tags"] = new JsonArray(Tags.Select(t => (JsonNode?)t).ToArray()),
            ["execution_trace"] = JsonNode.Parse(ExecutionTrace),
        };
    }

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
        var texts = Patterns().Select(p => p.EmbeddingText()).ToList();
        return Enumerable.Range(0, count)
            .Select(i => i < texts.Count ? texts[i] : $"{texts[i % texts.Count]} (variant {i / texts.Count})")
            .ToList();
    }

    /// <summary>
    /// The sample pattern <paramref name="i"/> cycles to, with i in its name and description, so each i has a content hash
    /// of its own (and is embedded) while its text stays a real pattern's.
    /// </summary>
    public static SamplePattern Varied(IReadOnlyList<SamplePattern> samples, int i)
    {
        var sample = samples[i % samples.Count];
        return sample with { Name = $"{sample.Name} #{i}", Description = $"{sample.Description} (variant {i})" };
    }
}
