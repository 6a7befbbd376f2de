using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using PatternSync.Core.Observability;
using PatternSync.Testing;
using Qdrant.Client.Grpc;

namespace SyncPipeline.IntegrationTests;

public abstract class MatchTests(PipelineFixture pipeline)
{
    protected HttpClient Client { get; } = pipeline.Api.CreateClient();

    [Fact]
    public async Task The_seed_request_returns_the_seed_response_shape()
    {
        var created = await Client.PostAsJsonAsync("/api/v1/patterns", JsonNode.Parse("""
            {
              "pattern_type": "api_optimization",
              "name": "Connection Pooling with Read Replicas",
              "description": "Optimize database queries using connection pooling and read replicas",
              "execution_trace": {"steps": [
                "Configure connection pool (min=10, max=50)", "Setup read replicas (2 instances)", "Route read queries to replicas"
              ]},
              "success_criteria": {"metric": "p99_latency_ms", "threshold": 50, "operator": "<"},
              "quality_metrics": {"accuracy": 0.95, "latency_p99_ms": 45, "reliability": 0.99},
              "tags": ["postgresql", "optimization", "scaling", "replication", "fastapi"]
            }
            """));
        var id = (await created.Content.ReadFromJsonAsync<JsonObject>())!["pattern_id"]!.GetValue<Guid>();
        await pipeline.ConvergedAsync([id]);

        var response = await Client.PostAsync("/api/v1/patterns/match", Json("""
            {
              "intent": "optimize API performance under high load",
              "context": "FastAPI application, 1000 req/sec",
              "requirements": ["low latency", "horizontal scaling"],
              "filters": {"pattern_types": ["api_optimization"], "min_quality_score": 0.8, "tags": ["fastapi", "postgresql"]},
              "limit": 5,
              "min_confidence": 0.3
            }
            """));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        // The seed's fields, then the extensions: which match an outcome answers, and why each pattern ranks where it does.
        Assert.Equal(["matched_patterns", "total_matches", "query_metadata", "match_id"], body.Select(p => p.Key));
        Assert.NotEqual(Guid.Empty, body["match_id"]!.GetValue<Guid>());
        var match = Assert.Single(body["matched_patterns"]!.AsArray())!.AsObject();
        Assert.Equal(
            ["pattern_id", "pattern_type", "name", "description", "confidence_score", "metadata", "recommendations", "score_details"],
            match.Select(p => p.Key));
        var details = match["score_details"]!.AsObject();
        Assert.Equal(["similarity", "lexical", "retrieval_score", "success_estimate", "outcomes_considered", "rank_score"],
            details.Select(p => p.Key));
        Assert.Equal(["score", "rank"], details["lexical"]!.AsObject().Select(p => p.Key));
        Assert.Equal(0, details["outcomes_considered"]!.GetValue<double>());
        Assert.Equal(details["retrieval_score"]!.GetValue<double>() * details["success_estimate"]!.GetValue<double>(),
            details["rank_score"]!.GetValue<double>(), 3);
        Assert.Equal(id, match["pattern_id"]!.GetValue<Guid>());
        Assert.InRange(match["confidence_score"]!.GetValue<double>(), 0.3, 1.0);
        Assert.Equal(["version", "quality_metrics", "success_rate", "match_count"], match["metadata"]!.AsObject().Select(p => p.Key));
        Assert.Equal(45, match["metadata"]!["quality_metrics"]!["latency_p99_ms"]!.GetValue<int>());
        Assert.Equal(
            [
                "Configure connection pool (min=10, max=50)", "Setup read replicas (2 instances)", "Route read queries to replicas",
                "Success criterion: p99_latency_ms < 50",
            ],
            match["recommendations"]!.AsArray().Select(r => r!.GetValue<string>()));
        Assert.Equal(1, body["total_matches"]!.GetValue<int>());
        Assert.Equal("all-MiniLM-L6-v2", body["query_metadata"]!["embedding_model"]!.GetValue<string>());
        Assert.True(body["query_metadata"]!["query_time_ms"]!.GetValue<long>() >= 0);
    }

    [Fact]
    public async Task Results_are_ordered_by_rank_score_or_confidence_and_respect_the_threshold_and_filters()
    {
        var retry = await pipeline.CreatePatternAsync(Client, "Exponential backoff with full jitter for flaky HTTP calls");
        var breaker = await pipeline.CreatePatternAsync(Client, "Circuit breaker around a slow payment provider");
        var unrelated = await pipeline.CreatePatternAsync(Client, "Bake sourdough bread with a long cold proof");
        await pipeline.ConvergedAsync([retry, breaker, unrelated]);

        var all = await MatchAsync(
            """{"intent": "retry failed HTTP requests with backoff and jitter", "min_confidence": 0.0, "limit": 100}""");
        var ids = all.Select(m => m["pattern_id"]!.GetValue<Guid>()).ToList();
        // Learned (the default) orders by rank score: other tests' outcomes may lift a pattern above a closer one.
        var rankScores = all.Select(m => m["score_details"]!["rank_score"]!.GetValue<double>()).ToList();
        Assert.Equal(rankScores.OrderByDescending(s => s), rankScores);
        var bySimilarity = await MatchAsync("""
            {"intent": "retry failed HTTP requests with backoff and jitter", "min_confidence": 0.0, "limit": 100, "ranking": "similarity"}
            """);
        var scores = bySimilarity.Select(m => m["confidence_score"]!.GetValue<double>()).ToList();
        Assert.Equal(scores.OrderByDescending(s => s), scores);
        // Other tests' patterns share this index, so the unrelated one may fall out of the top 100.
        Assert.Contains(retry, ids);
        Assert.True(ids.IndexOf(unrelated) is var u && (u < 0 || ids.IndexOf(retry) < u));

        var confident = await MatchAsync(
            """{"intent": "retry failed HTTP requests with backoff and jitter", "min_confidence": 0.5, "limit": 100}""");
        Assert.All(confident, m => Assert.True(m["confidence_score"]!.GetValue<double>() >= 0.5));
        Assert.DoesNotContain(unrelated, confident.Select(m => m["pattern_id"]!.GetValue<Guid>()));

        var deprecatedOnly = await MatchAsync("""
            {"intent": "retry failed HTTP requests", "min_confidence": 0.0, "limit": 100, "filters": {"statuses": ["archived"]}}
            """);
        Assert.DoesNotContain(retry, deprecatedOnly.Select(m => m["pattern_id"]!.GetValue<Guid>()));
    }

    [Fact]
    public async Task All_tags_keeps_only_the_patterns_holding_every_tag()
    {
        string first = $"a{Guid.NewGuid():N}", second = $"b{Guid.NewGuid():N}";
        var both = await CreateTaggedAsync("Warm the cache from a replay of yesterday's traffic", first, second);
        var one = await CreateTaggedAsync("Warm the cache from the access log", first);
        await pipeline.ConvergedAsync([both, one]);

        var request = $$"""
            {"intent": "warm the cache", "min_confidence": 0.0, "limit": 100, "filters": {"tags": ["{{first}}", "{{second}}"]
            """;
        var any = await MatchAsync(request + "}}");
        var all = await MatchAsync(request + """, "all_tags": true}}""");

        Assert.Equal(new HashSet<Guid> { both, one }, any.Select(m => m["pattern_id"]!.GetValue<Guid>()).ToHashSet());
        Assert.Equal([both], all.Select(m => m["pattern_id"]!.GetValue<Guid>()));
    }

    [Fact]
    public async Task A_hit_whose_row_vanished_behind_the_index_is_dropped_and_counted_not_a_500()
    {
        var id = await pipeline.CreatePatternAsync(Client, "Idempotency keys for payment retries");
        await pipeline.ConvergedAsync([id]);
        var driftBefore = PatternMetrics.MatchDrift.WithLabels("row_gone").Value;
        await pipeline.Database.ExecuteAsync($"DELETE FROM success_patterns WHERE pattern_id = '{id}'");

        var matches = await MatchAsync("""{"intent": "idempotency keys for payment retries", "min_confidence": 0.0, "limit": 100}""");

        Assert.DoesNotContain(id, matches.Select(m => m["pattern_id"]!.GetValue<Guid>()));
        Assert.Equal(driftBefore + 1, PatternMetrics.MatchDrift.WithLabels("row_gone").Value);
    }

    [Fact]
    public async Task A_repeated_query_is_answered_from_the_embedding_cache()
    {
        var intent = $$"""{"intent": "warm the cache before a deploy {{Guid.NewGuid()}}"}""";
        var hits = PatternMetrics.QueryEmbeddingCache.WithLabels("hit").Value;
        var misses = PatternMetrics.QueryEmbeddingCache.WithLabels("miss").Value;

        await MatchAsync(intent);
        await MatchAsync(intent);

        Assert.Equal(misses + 1, PatternMetrics.QueryEmbeddingCache.WithLabels("miss").Value);
        Assert.Equal(hits + 1, PatternMetrics.QueryEmbeddingCache.WithLabels("hit").Value);
    }

    [Theory]
    [InlineData("""{"intent": "x", "limit": 0}""", "limit")]
    [InlineData("""{"intent": "x", "limit": 101}""", "limit")]
    [InlineData("""{"intent": "x", "limit": 2.5}""", "limit")]
    [InlineData("""{"intent": "x", "min_confidence": 1.5}""", "min_confidence")]
    [InlineData("""{"intent": "x", "min_confidence": "high"}""", "min_confidence")]
    [InlineData("""{"intent": "x", "filters": {"statuses": ["retired"]}}""", "filters.statuses")]
    [InlineData("""{"intent": "x", "filters": {"min_quality_score": -1}}""", "filters.min_quality_score")]
    [InlineData("""{"intent": "x", "filters": {"colour": "blue"}}""", "filters.colour")]
    [InlineData("""{"intent": "x", "filters": {"all_tags": "yes"}}""", "filters.all_tags")]
    [InlineData("""{"intent": "x", "filters": []}""", "filters")]
    [InlineData("""{"intent": "x", "requirements": "fast"}""", "requirements")]
    [InlineData("""{"intent": "x", "requirements": [1]}""", "requirements[0]")]
    [InlineData("""{"intent": ""}""", "intent")]
    [InlineData("""{"intent": "   "}""", "intent")]
    [InlineData("""{"context": "no intent"}""", "intent")]
    [InlineData("""{"intent": 42}""", "intent")]
    [InlineData("""{"intent": "x", "top_k": 3}""", "top_k")]
    public async Task An_invalid_match_request_gets_400_naming_the_field(string body, string field)
    {
        var response = await Client.PostAsync("/api/v1/patterns/match", Json(body));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        var errors = (await response.Content.ReadFromJsonAsync<JsonObject>())!["errors"]!.AsObject();
        Assert.True(errors.ContainsKey(field), $"errors {errors.ToJsonString()} do not name {field}");
    }

    private async Task<List<JsonObject>> MatchAsync(string body)
    {
        var response = await Client.PostAsync("/api/v1/patterns/match", Json(body));
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!["matched_patterns"]!.AsArray().Select(m => m!.AsObject()).ToList();
    }

    private async Task<Guid> CreateTaggedAsync(string name, params string[] tags)
    {
        var id = await pipeline.CreatePatternAsync(Client, name);
        var patch = new JsonObject { ["tags"] = new JsonArray([.. tags.Select(t => (JsonNode?)t)]) };
        await PipelineFixture.PatchAsync(Client, id, patch.ToJsonString());
        return id;
    }

    protected static StringContent Json(string body) => new(body, System.Text.Encoding.UTF8, "application/json");
}

[Collection(QdrantPipeline.Name)]
public sealed class MatchTestsOnQdrant(QdrantPipelineFixture pipeline) : MatchTests(pipeline)
{
    private Task<HttpResponseMessage> MatchAnythingAsync() =>
        Client.PostAsync("/api/v1/patterns/match", Json("""{"intent": "anything at all"}"""));

    [Fact]
    public async Task While_the_index_is_unreachable_a_match_gets_503_problem_and_recovers_after()
    {
        // The stand-in is the index we can take down; a real Qdrant (QDRANT_URL) is not.
        if (pipeline.Qdrant.StandIn is null) return;
        await pipeline.Qdrant.StandIn!.StopAsync();
        try
        {
            var response = await MatchAnythingAsync();

            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        }
        finally
        {
            await pipeline.Qdrant.StandIn.RestartAsync();
        }
        await Eventually.UntilAsync(async () => (await MatchAnythingAsync()).IsSuccessStatusCode,
            PipelineFixture.Settle, "matching to answer again");
    }

    [Fact]
    public async Task While_the_index_holds_another_model_a_match_gets_503_problem_not_a_500()
    {
        var index = pipeline.Index;
        await index.EnsureReadyAsync();
        var live = (await index.GetInfoAsync()).Collection;
        var other = $"{pipeline.Alias}-match-other-8";
        await pipeline.Qdrant.Client.CreateCollectionAsync(other, new VectorParams { Size = 8, Distance = Distance.Cosine });
        // The API has just looked at its aliases, so it would not look again for a while on its own.
        Assert.Equal(HttpStatusCode.OK, (await MatchAnythingAsync()).StatusCode);
        await pipeline.QdrantCollections.SwitchAliasAsync(other);
        try
        {
            var refused = await MatchAnythingAsync();

            Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
            Assert.Equal("application/problem+json", refused.Content.Headers.ContentType!.MediaType);
        }
        finally
        {
            await pipeline.QdrantCollections.SwitchAliasAsync(live);
            await pipeline.Qdrant.Client.DeleteCollectionAsync(other);
        }
        await Eventually.UntilAsync(async () => (await MatchAnythingAsync()).IsSuccessStatusCode,
            PipelineFixture.Settle, "matching to answer again");
    }
}

[Collection(PostgresPipeline.Name)]
public sealed class MatchTestsOnEmbeddedIndex(PostgresPipelineFixture pipeline) : MatchTests(pipeline);
