using Grpc.Core;
using PatternSync.Core.Embeddings;
using PatternSync.Core.VectorIndex;
using PatternSync.Core.VectorIndex.Qdrant;
using PatternSync.Testing;
using Qdrant.Client.Grpc;
using static PatternSync.IndexTests.TestPatterns;

namespace PatternSync.IndexTests;

public sealed class QdrantPatternIndexTests(QdrantFixture fixture) : IClassFixture<QdrantFixture>
{
    private static readonly EmbeddingModel Model = new("test-model", 4);
    private readonly string _alias = QdrantUnderTest.UniqueAlias("index");
    private QdrantPatternIndex Index => _index ??= fixture.Qdrant.CreateIndex(_alias, Model);
    private QdrantPatternIndex? _index;

    [Fact]
    public async Task EnsureReady_creates_the_seed_collection_behind_an_alias()
    {
        await Index.EnsureReadyAsync();

        var info = await Index.GetInfoAsync();
        Assert.Equal(_alias, info.Alias);
        Assert.StartsWith($"{_alias}-test-model-4-", info.Collection);
        Assert.Equal(4, info.VectorSize);
        var collection = await fixture.Qdrant.Client.GetCollectionInfoAsync(info.Collection);
#pragma warning disable CS0612 // the seed's settings, see QdrantPatternIndex.CreateCollectionAsync
        Assert.True(collection.Config.Params.OnDiskPayload);
        Assert.True(collection.Config.QuantizationConfig.Scalar.AlwaysRam);
#pragma warning restore CS0612
        Assert.Equal(Distance.Cosine, collection.Config.Params.VectorsConfig.Params.Distance);
        Assert.Equal(16ul, collection.Config.HnswConfig.M);
        Assert.Equal(100ul, collection.Config.HnswConfig.EfConstruct);
        Assert.Equal(QuantizationType.Int8, collection.Config.QuantizationConfig.Scalar.Type);
        Assert.Equal(0.99f, collection.Config.QuantizationConfig.Scalar.Quantile);
        Assert.Equal(
            ["created_at", "last_matched_at", "match_count", "pattern_type", "quality_score", "status", "success_rate", "tags"],
            collection.PayloadSchema.Keys.Order());
        Assert.Equal(PayloadSchemaType.Keyword, collection.PayloadSchema["tags"].DataType);
        Assert.Equal(PayloadSchemaType.Float, collection.PayloadSchema["quality_score"].DataType);
        Assert.Equal(PayloadSchemaType.Integer, collection.PayloadSchema["created_at"].DataType);

        // A second process starting later finds and keeps the same collection.
        var again = fixture.Qdrant.CreateIndex(_alias, Model);
        await again.EnsureReadyAsync();
        Assert.Equal(info.Collection, (await again.GetInfoAsync()).Collection);
    }

    [Fact]
    public async Task A_collection_of_another_vector_size_is_refused_clearly()
    {
        await Index.EnsureReadyAsync();

        var other = fixture.Qdrant.CreateIndex(_alias, new EmbeddingModel("test-model", 8));
        var error = await Assert.ThrowsAsync<VectorIndexMismatchException>(() => other.EnsureReadyAsync());
        Assert.Contains("4-dimensional", error.Message);
        Assert.Contains("8-dimensional", error.Message);
    }

    [Fact]
    public async Task A_collection_of_another_model_with_the_same_size_is_refused()
    {
        await Index.EnsureReadyAsync();

        var other = fixture.Qdrant.CreateIndex(_alias, new EmbeddingModel("other-model", 4));
        await Assert.ThrowsAsync<VectorIndexMismatchException>(() => other.EnsureReadyAsync());
    }

    [Fact]
    public async Task A_vector_of_the_wrong_size_is_refused_and_nothing_is_written()
    {
        var ok = Guid.NewGuid();
        var error = await Assert.ThrowsAsync<RpcException>(() => Index.UpsertAsync(
            [Point(Payload(ok), 1, 0, 0, 0), Point(Payload(Guid.NewGuid()), 1, 0, 0)]));

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Equal(0, await Index.CountAsync());
    }

    [Fact]
    public async Task Upsert_then_get_and_search_return_the_point_with_its_payload()
    {
        var id = Guid.NewGuid();
        await Index.UpsertAsync([Point(Payload(id, version: 3, hash: "abc"), 1, 2, 0, 0)]);

        var held = (await Index.GetAsync([id, Guid.NewGuid()]));
        Assert.Equal(new IndexedPoint(id, 3, "abc"), Assert.Single(held).Value);
        var match = Assert.Single(await Index.SearchAsync(new float[] { 1, 2, 0, 0 }, PatternSearchFilter.None, 10, 0.5f));
        Assert.Equal(id, match.PatternId);
        Assert.Equal(3, match.Version);
        Assert.Equal(1.0f, match.Score, 4);

        var stored = Assert.Single(await fixture.Qdrant.Client.RetrieveAsync(_alias, id, withPayload: true));
        Assert.Equal("caching", stored.Payload["pattern_type"].StringValue);
        Assert.Equal(1_700_000_000, stored.Payload["created_at"].IntegerValue);
        Assert.Equal(Value.KindOneofCase.NullValue, stored.Payload["last_matched_at"].KindCase);
        Assert.Equal("redis", Assert.Single(stored.Payload["tags"].ListValue.Values).StringValue);
    }

    [Fact]
    public async Task Search_keeps_only_points_at_or_above_the_score_threshold_best_first()
    {
        Guid same = Guid.NewGuid(), close = Guid.NewGuid(), orthogonal = Guid.NewGuid();
        await Index.UpsertAsync([
            Point(Payload(same), 1, 0, 0, 0),
            Point(Payload(close), 1, 1, 0, 0),       // cosine 0.7071
            Point(Payload(orthogonal), 0, 1, 0, 0),  // cosine 0
        ]);

        var all = await Index.SearchAsync(new float[] { 1, 0, 0, 0 }, PatternSearchFilter.None, 10, 0f);
        var above = await Index.SearchAsync(new float[] { 1, 0, 0, 0 }, PatternSearchFilter.None, 10, 0.7f);
        var limited = await Index.SearchAsync(new float[] { 1, 0, 0, 0 }, PatternSearchFilter.None, 1, 0f);

        Assert.Equal([same, close, orthogonal], all.Select(m => m.PatternId));
        Assert.Equal([same, close], above.Select(m => m.PatternId));
        Assert.Equal(0.7071f, above[1].Score, 3);
        Assert.Equal([same], limited.Select(m => m.PatternId));
    }

    public static TheoryData<string, PatternSearchFilter, string[]> Filters => new()
    {
        { "types any", new PatternSearchFilter { PatternTypes = ["caching", "ci_pipeline"] }, ["a", "b", "d"] },
        { "one status", new PatternSearchFilter { Statuses = ["deprecated"] }, ["c"] },
        { "statuses any", new PatternSearchFilter { Statuses = ["deprecated", "archived"] }, ["c", "d"] },
        { "tags any", new PatternSearchFilter { Tags = ["redis", "kafka"] }, ["a", "b", "c"] },
        { "tags all", new PatternSearchFilter { Tags = ["redis", "python"], AllTags = true }, ["a"] },
        { "min quality", new PatternSearchFilter { MinQualityScore = 0.8 }, ["a", "c"] },
        { "min quality inclusive", new PatternSearchFilter { MinQualityScore = 0.95 }, ["c"] },
        { "min success rate excludes none", new PatternSearchFilter { MinSuccessRate = 0.5 }, ["a", "d"] },
        { "combined", new PatternSearchFilter { PatternTypes = ["caching"], Tags = ["redis"], MinQualityScore = 0.5 }, ["a", "b"] },
        { "nothing matches", new PatternSearchFilter { PatternTypes = ["caching"], Statuses = ["archived"] }, [] },
        { "no filter", PatternSearchFilter.None, ["a", "b", "c", "d"] },
    };

    [Theory]
    [MemberData(nameof(Filters))]
    public async Task Filters_return_exactly_the_matching_points(string _, PatternSearchFilter filter, string[] expected)
    {
        var ids = new Dictionary<string, Guid> { ["a"] = Guid.NewGuid(), ["b"] = Guid.NewGuid(), ["c"] = Guid.NewGuid(), ["d"] = Guid.NewGuid() };
        await Index.UpsertAsync([
            Point(Payload(ids["a"], type: "caching", tags: ["redis", "python"], quality: 0.9, successRate: 0.8), 1, 0, 0, 0),
            Point(Payload(ids["b"], type: "caching", tags: ["redis"], quality: 0.6, successRate: null), 0.9f, 0.1f, 0, 0),
            Point(Payload(ids["c"], type: "queue_consumer", status: "deprecated", tags: ["kafka"], quality: 0.95, successRate: 0.2), 0.8f, 0.2f, 0, 0),
            Point(Payload(ids["d"], type: "ci_pipeline", status: "archived", tags: ["github-actions"], quality: 0.3, successRate: 0.5), 0.7f, 0.3f, 0, 0),
        ]);

        var found = await Index.SearchAsync(new float[] { 1, 0, 0, 0 }, filter, 10, 0f);

        Assert.Equal(expected.Select(name => ids[name]).ToHashSet(), found.Select(m => m.PatternId).ToHashSet());
        Assert.Equal(expected.Length, await Index.CountAsync(filter));
    }

    [Fact]
    public async Task A_payload_only_update_changes_the_payload_and_leaves_the_vector()
    {
        var id = Guid.NewGuid();
        await Index.UpsertAsync([Point(Payload(id, version: 1), 0.5f, 0.5f, 0.5f, 0.5f)]);
        var before = Assert.Single(await fixture.Qdrant.Client.RetrieveAsync(_alias, id, withPayload: false, withVectors: true));

        await Index.SetPayloadAsync([Payload(id, version: 2, status: "deprecated", successRate: 0.75) with { MatchCount = 17 }]);

        var after = Assert.Single(await fixture.Qdrant.Client.RetrieveAsync(_alias, id, withPayload: true, withVectors: true));
        Assert.Equal(before.Vectors.Vector.Dense.Data, after.Vectors.Vector.Dense.Data);
        Assert.Equal(2, after.Payload["version"].IntegerValue);
        Assert.Equal(17, after.Payload["match_count"].IntegerValue);
        Assert.Equal(0.75, after.Payload["success_rate"].DoubleValue);
        Assert.Equal("deprecated", after.Payload["status"].StringValue);
    }

    [Fact]
    public async Task An_older_version_never_replaces_a_newer_one()
    {
        var id = Guid.NewGuid();
        await Index.UpsertAsync([Point(Payload(id, version: 5, hash: "v5"), 1, 0, 0, 0)]);

        await Index.UpsertAsync([Point(Payload(id, version: 4, hash: "v4"), 0, 1, 0, 0)]);
        await Index.UpsertAsync([Point(Payload(id, version: 5, hash: "v5-again"), 0, 1, 0, 0)]);
        await Index.SetPayloadAsync([Payload(id, version: 3, status: "archived")]);
        await Index.DeleteAsync([new PointDeletion(id, 5)]);

        var held = Assert.Single(await Index.GetAsync([id])).Value;
        Assert.Equal(new IndexedPoint(id, 5, "v5"), held);
        var stored = Assert.Single(await fixture.Qdrant.Client.RetrieveAsync(_alias, id, withPayload: true));
        Assert.Equal("active", stored.Payload["status"].StringValue);
    }

    [Fact]
    public async Task A_repair_may_replace_the_same_version_and_a_newer_deletion_removes_the_point()
    {
        var id = Guid.NewGuid();
        await Index.UpsertAsync([Point(Payload(id, version: 2, hash: "corrupt"), 1, 0, 0, 0)]);

        await Index.UpsertAsync([Point(Payload(id, version: 2, hash: "repaired"), 1, 0, 0, 0)], replaceSameVersion: true);
        Assert.Equal("repaired", (await Index.GetAsync([id]))[id].ContentHash);

        await Index.DeleteAsync([new PointDeletion(id, 3)]);
        Assert.Empty(await Index.GetAsync([id]));
    }

    [Fact]
    public async Task A_batch_guards_each_point_by_its_own_version()
    {
        Guid older = Guid.NewGuid(), newer = Guid.NewGuid(), fresh = Guid.NewGuid();
        await Index.UpsertAsync([Point(Payload(older, version: 1, hash: "old"), 1, 0, 0, 0), Point(Payload(newer, version: 9, hash: "nine"), 1, 0, 0, 0)]);

        await Index.UpsertAsync([
            Point(Payload(older, version: 2, hash: "two"), 1, 0, 0, 0),
            Point(Payload(newer, version: 3, hash: "three"), 1, 0, 0, 0),
            Point(Payload(fresh, version: 1, hash: "new"), 1, 0, 0, 0),
        ]);

        var held = await Index.GetAsync([older, newer, fresh]);
        Assert.Equal("two", held[older].ContentHash);
        Assert.Equal("nine", held[newer].ContentHash);
        Assert.Equal("new", held[fresh].ContentHash);
    }

    [Fact]
    public async Task Scroll_visits_every_point_once_without_vectors()
    {
        var ids = Enumerable.Range(0, 23).Select(_ => Guid.NewGuid()).ToList();
        await Index.UpsertAsync(ids.Select((id, i) => Point(Payload(id, version: i + 1), 1, i, 0, 0)).ToList());

        var pages = new List<IReadOnlyList<IndexedPoint>>();
        await foreach (var page in Index.ScrollAsync(10)) pages.Add(page);

        Assert.Equal([10, 10, 3], pages.Select(p => p.Count));
        Assert.Equal(ids.ToHashSet(), pages.SelectMany(p => p).Select(p => p.PatternId).ToHashSet());
        Assert.All(pages.SelectMany(p => p), p => Assert.Equal(ids.IndexOf(p.PatternId) + 1, p.Version));
    }

    [Fact]
    public async Task Switching_the_alias_is_atomic_for_readers()
    {
        var id = Guid.NewGuid();
        await Index.UpsertAsync([Point(Payload(id), 1, 0, 0, 0)]);
        var first = (await Index.GetInfoAsync()).Collection;
        var second = await Index.CreateCollectionAsync();
        await fixture.Qdrant.Client.UpsertAsync(second, [new PointStruct { Id = id, Vectors = new float[] { 1, 0, 0, 0 } }]);

        using var stop = new CancellationTokenSource();
        var failures = 0;
        var searches = 0;
        var reader = Task.Run(async () =>
        {
            var readerIndex = fixture.Qdrant.CreateIndex(_alias, Model);
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    if ((await readerIndex.SearchAsync(new float[] { 1, 0, 0, 0 }, PatternSearchFilter.None, 1, 0f)).Count != 1) failures++;
                }
                catch (RpcException) { failures++; }
                searches++;
            }
        });
        for (var i = 0; i < 20; i++) await Index.SwitchAliasAsync(i % 2 == 0 ? second : first);
        await stop.CancelAsync();
        await reader;

        Assert.True(searches > 0);
        Assert.Equal(0, failures);
        Assert.Equal(first, (await Index.GetInfoAsync()).Collection);
    }
}
