using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace SyncPipeline.IntegrationTests;

/// <summary>
/// Match quality of the default request (hybrid retrieval, local model, embedded index) on the hand-written sample library,
/// on the report split of both labelled sets (the part no weight or curve was tuned on): each query names the patterns a
/// person would expect. The floors are the retrieval benchmark's figures less a margin of two or three queries.
/// </summary>
[Collection(MatchQualityCollection.Name)]
public sealed class MatchQualityTests(PostgresPipelineFixture pipeline)
{
    [Fact]
    public async Task The_expected_patterns_rank_first_or_in_the_top_three()
    {
        var client = pipeline.Api.CreateClient();
        var folder = Path.Combine(AppContext.BaseDirectory, "sample-data");
        var ids = new List<Guid>();
        foreach (var file in Directory.GetFiles(Path.Combine(folder, "patterns"), "*.json"))
            foreach (var pattern in JsonNode.Parse(await File.ReadAllTextAsync(file))!.AsArray())
            {
                var response = await client.PostAsJsonAsync("/api/v1/patterns", pattern);
                response.EnsureSuccessStatusCode();
                ids.Add((await response.Content.ReadFromJsonAsync<JsonObject>())!["pattern_id"]!.GetValue<Guid>());
            }
        await pipeline.ConvergedAsync(ids);

        var paraphrased = await MeasureAsync(client, Path.Combine(folder, "queries.json"), "paraphrased");
        var identifier = await MeasureAsync(client, Path.Combine(folder, "identifier-queries.json"), "identifier");

        Assert.True(paraphrased.HitAt3 >= 0.88, $"paraphrased hit@3 {paraphrased.HitAt3:F3} is below 0.88");
        Assert.True(paraphrased.HitAt1 >= 0.80, $"paraphrased hit@1 {paraphrased.HitAt1:F3} is below 0.80");
        Assert.True(identifier.HitAt1 >= 0.95, $"identifier hit@1 {identifier.HitAt1:F3} is below 0.95");
    }

    private async Task<(double HitAt1, double HitAt3)> MeasureAsync(HttpClient client, string file, string set)
    {
        var queries = JsonNode.Parse(await File.ReadAllTextAsync(file))!.AsArray()
            .Where(q => q!["split"]!.GetValue<string>() == "report").ToList();
        var ranks = new List<int?>();
        var misses = new List<string>();
        foreach (var query in queries)
        {
            var request = new JsonObject { ["intent"] = query!["intent"]!.DeepClone(), ["limit"] = 10, ["min_confidence"] = 0.0 };
            if (query["context"] is JsonValue context) request["context"] = context.DeepClone();
            var response = await client.PostAsJsonAsync("/api/v1/patterns/match", request);
            response.EnsureSuccessStatusCode();
            var names = (await response.Content.ReadFromJsonAsync<JsonObject>())!["matched_patterns"]!.AsArray()
                .Select(m => m!["name"]!.GetValue<string>()).ToList();
            var expected = query["expected"]!.AsArray().Select(e => e!.GetValue<string>()).ToHashSet();
            var rank = names.FindIndex(expected.Contains);
            ranks.Add(rank < 0 ? null : rank + 1);
            if (rank is < 0 or >= 3)
                misses.Add($"  '{query["intent"]}' -> {(rank < 0 ? "not in top 10" : $"rank {rank + 1}")}; top: {names.FirstOrDefault()}");
        }

        var hitAt3 = ranks.Count(r => r <= 3) / (double)ranks.Count;
        var hitAt1 = ranks.Count(r => r == 1) / (double)ranks.Count;
        var mrr = ranks.Sum(r => r is { } rank ? 1.0 / rank : 0) / ranks.Count;
        pipeline.Report(string.Create(CultureInfo.InvariantCulture,
            $"Match quality, {set} ({ranks.Count} report queries, hybrid, all-MiniLM-L6-v2): "
            + $"hit@1 {hitAt1:F3}, hit@3 {hitAt3:F3}, MRR@10 {mrr:F3}"));
        if (misses.Count > 0) pipeline.Report($"{set} queries outside the top 3:\n" + string.Join("\n", misses));
        return (hitAt1, hitAt3);
    }
}
