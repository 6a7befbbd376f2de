using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace SyncPipeline.IntegrationTests;

/// <summary>
/// Match quality with the local model and the embedded index on the hand-written sample library: each query of
/// ops/sample-data/queries.json names the patterns a person would expect; the test reports
/// hit@3 and MRR and fails below hit@3 = 0.85. The queries are kept apart from the patterns.
/// </summary>
[Collection(MatchQualityCollection.Name)]
public sealed class MatchQualityTests(PostgresPipelineFixture pipeline)
{
    private const double MinimumHitAt3 = 0.85;

    [Fact]
    public async Task The_expected_patterns_rank_in_the_top_three()
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

        var queries = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(folder, "queries.json")))!.AsArray();
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
            $"Match quality ({ids.Count} patterns, {ranks.Count} queries, all-MiniLM-L6-v2): "
            + $"hit@1 {hitAt1:F3}, hit@3 {hitAt3:F3}, MRR@10 {mrr:F3}"));
        if (misses.Count > 0) pipeline.Report("Queries outside the top 3:\n" + string.Join("\n", misses));
        Assert.True(hitAt3 >= MinimumHitAt3, $"hit@3 {hitAt3:F3} is below {MinimumHitAt3}");
    }
}
