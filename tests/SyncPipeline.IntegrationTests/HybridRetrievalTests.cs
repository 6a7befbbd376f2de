using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using PatternSync.Core.Filters;
using PatternSync.Testing;

namespace SyncPipeline.IntegrationTests;

/// <summary>
/// Hybrid retrieval on each index provider: the lexical index finds what the words name when the meaning does not, holds
/// the filters, follows changes and deletions, and dense retrieval keeps the vector index's order. Each test quotes an
/// identifier of its own, so the other tests' patterns in the shared index cannot answer for it.
/// </summary>
public abstract class HybridRetrievalTests(PipelineFixture pipeline)
{
    private readonly HttpClient _client = pipeline.Api.CreateClient();

    [Fact]
    public async Task An_identifier_finds_its_pattern_although_its_cosine_is_below_the_threshold()
    {
        var code = NewIdentifier("E4711");
        var id = await PipelineFixture.CreatePatternStaticAsync(_client, "Renew the lease before the batch window closes",
            $"Workers renew their lease halfway through; a lost lease surfaces as {code} and the batch is retried.");
        await pipeline.ConvergedAsync([id]);
        var intent = $"{code} showed up again overnight; what did we do about it last time?";

        var dense = await MatchAsync(new { intent, retrieval = "dense", ranking = "similarity", min_confidence = 0.0, limit = 100 });
        var cosine = Similarity(dense.Single(m => Id(m) == id));
        Assert.True(cosine < 0.3, $"the test needs a cosine below the seed's threshold, got {cosine:F3}");

        var hybrid = await MatchAsync(new { intent, ranking = "similarity", min_confidence = 0.0 });
        Assert.Equal(id, Id(hybrid[0]));
        Assert.Equal(1, hybrid[0]["score_details"]!["lexical"]!["rank"]!.GetValue<int>());
        var denseConfidence = Confidence(dense.Single(m => Id(m) == id));
        Assert.True(Confidence(hybrid[0]) > denseConfidence, $"hybrid {Confidence(hybrid[0])}, dense {denseConfidence}");

        // Words alone, at the default threshold: the calibrated lexical confidence of a rare identifier's only match.
        var lexical = await MatchAsync(new { intent, retrieval = "lexical" });
        Assert.Equal(id, Id(lexical[0]));
    }

    [Fact]
    public async Task The_lexical_side_holds_every_filter()
    {
        var flag = NewIdentifier("--drain-window");
        var kept = await PipelineFixture.CreatePatternStaticAsync(_client, "Drain before deploy", $"Deploy with {flag} set to 30s.");
        var other = await CreateAsync(new JsonObject
        {
            ["pattern_type"] = "deployment", ["name"] = "Drain slowly", ["description"] = $"Deploy with {flag} set to 5m.",
            ["tags"] = new JsonArray("kubernetes"), ["quality_metrics"] = new JsonObject { ["accuracy"] = 0.2 },
        });
        await PipelineFixture.PatchAsync(_client, other, """{"status": "deprecated"}""");
        (await _client.PostAsJsonAsync($"/api/v1/patterns/{other}/outcomes", new { success = false })).EnsureSuccessStatusCode();
        (await _client.PostAsJsonAsync($"/api/v1/patterns/{kept}/outcomes", new { success = true })).EnsureSuccessStatusCode();

        foreach (var filters in new JsonNode[]
        {
            JsonNode.Parse("""{"statuses": ["active"]}""")!, JsonNode.Parse("""{"pattern_types": ["caching"]}""")!,
            JsonNode.Parse("""{"tags": ["redis"]}""")!, JsonNode.Parse("""{"min_quality_score": 0.5}""")!,
            JsonNode.Parse("""{"min_success_rate": 0.5}""")!,
        })
        {
            var found = (await MatchAsync(new { intent = flag, retrieval = "lexical", min_confidence = 0.0, filters })).Select(Id).ToList();
            Assert.Contains(kept, found);
            Assert.DoesNotContain(other, found);
        }
        var unfiltered = (await MatchAsync(new { intent = flag, retrieval = "lexical", min_confidence = 0.0 })).Select(Id).ToList();
        Assert.Contains(other, unfiltered);
    }

    [Fact]
    public async Task A_changed_or_deleted_pattern_leaves_the_lexical_index_at_once()
    {
        var before = NewIdentifier("retry_budget");
        var after = NewIdentifier("backoff_cap");
        var id = await PipelineFixture.CreatePatternStaticAsync(_client, "Bounded retries", $"Retries stop at {before}.");
        Assert.Contains(id, await LexicalAsync(before));

        await PipelineFixture.PatchAsync(_client, id, $$"""{"description": "Retries stop at {{after}}."}""");
        Assert.DoesNotContain(id, await LexicalAsync(before));
        Assert.Contains(id, await LexicalAsync(after));

        (await _client.DeleteAsync($"/api/v1/patterns/{id}")).EnsureSuccessStatusCode();
        Assert.DoesNotContain(id, await LexicalAsync(after));
    }

    [Fact]
    public async Task Dense_retrieval_keeps_the_vector_index_order()
    {
        const string intent = "keep a read-through cache warm without a stampede after deploys";
        var ids = new List<Guid>();
        foreach (var name in new[] { "Warm the cache before traffic", "Cache stampede protection", "Read-through cache with TTL" })
            ids.Add(await PipelineFixture.CreatePatternStaticAsync(_client, name));
        await pipeline.ConvergedAsync(ids);

        var matched = await MatchAsync(new { intent, retrieval = "dense", ranking = "similarity", min_confidence = 0.0, limit = 50 });
        var generator = pipeline.Api.Services.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>();
        var vector = (await generator.GenerateAsync([intent]))[0].Vector;
        var nearest = await pipeline.Index.SearchAsync(vector, PatternFilter.None, 50, -1);

        // Other tests' patterns share the index: some of the nearest may be deleted or changed, and are dropped as drift.
        var similarities = matched.Select(Similarity).ToList();
        Assert.Equal(similarities.OrderByDescending(s => s), similarities);
        var nearestIds = nearest.Select(n => n.PatternId).ToHashSet();
        Assert.All(matched, m => Assert.Contains(Id(m), nearestIds));
        Assert.All(ids, id => Assert.Contains(id, matched.Select(Id)));
        Assert.All(matched, m => Assert.Null(m["score_details"]!["lexical"]));
        var confidences = matched.Select(m => m["confidence_score"]!.GetValue<double>()).ToList();
        Assert.Equal(confidences.OrderByDescending(c => c), confidences);
    }

    private static string NewIdentifier(string stem) => $"{stem}_{Guid.NewGuid().ToString("N")[..8]}";

    private static Guid Id(JsonObject match) => match["pattern_id"]!.GetValue<Guid>();

    private static double Confidence(JsonObject match) => match["confidence_score"]!.GetValue<double>();

    private static double Similarity(JsonObject match) => match["score_details"]!["similarity"]!.GetValue<double>();

    private async Task<List<Guid>> LexicalAsync(string intent) =>
        (await MatchAsync(new { intent, retrieval = "lexical", min_confidence = 0.0 })).Select(Id).ToList();

    private async Task<Guid> CreateAsync(JsonObject body)
    {
        var response = await _client.PostAsJsonAsync("/api/v1/patterns", body);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!["pattern_id"]!.GetValue<Guid>();
    }

    private async Task<List<JsonObject>> MatchAsync(object request)
    {
        var response = await _client.PostAsJsonAsync("/api/v1/patterns/match", request);
        response.EnsureSuccessStatusCode();
        var body = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        return [.. body["matched_patterns"]!.AsArray().Select(m => m!.AsObject())];
    }
}

[Collection(QdrantPipeline.Name)]
public sealed class HybridRetrievalTestsOnQdrant(QdrantPipelineFixture pipeline) : HybridRetrievalTests(pipeline);

[Collection(PostgresPipeline.Name)]
public sealed class HybridRetrievalTestsOnEmbeddedIndex(PostgresPipelineFixture pipeline) : HybridRetrievalTests(pipeline);
