using Grpc.Core;
using Microsoft.Extensions.Logging.Abstractions;
using PatternSync.Core.Embeddings;
using PatternSync.Core.Filters;
using PatternSync.Core.VectorIndex;
using PatternSync.Core.VectorIndex.Qdrant;
using PatternSync.Testing;
using Qdrant.Client.Grpc;
using static PatternSync.IndexTests.TestPatterns;

namespace PatternSync.IndexTests;

public sealed class QdrantPatternIndexTests(QdrantFixture fixture) : VectorIndexContractTests, IClassFixture<QdrantFixture>
{
    private static readonly EmbeddingModel Model = new("test-model", 4);
    private readonly string _alias = QdrantUnderTest.UniqueAlias("index");
    private QdrantCollections Collections => _collections ??= fixture.Qdrant.CreateCollections(_alias, Model);
    private QdrantCollections? _collections;
    private IPatternVectorIndex? _index;

    protected override IPatternVectorIndex Index => _index ??= fixture.Qdrant.CreateIndex(Collections);

    protected override async Task<float[]> StoredVectorAsync(Guid id) =>
        Assert.Single(await fixture.Qdrant.Client.RetrieveAsync(_alias, id, withPayload: false, withVectors: true))
            .Vectors.Vector.Dense.Data.ToArray();

    protected override async Task<PatternPayload> StoredPayloadAsync(Guid id) =>
        QdrantPayloads.FromValues(Assert.Single(await fixture.Qdrant.Client.RetrieveAsync(_alias, id, withPayload: true)).Payload);

    [Fact]
    public async Task Points_carry_the_seed_payload()
    {
        var id = Guid.NewGuid();
        await Index.UpsertAsync([Point(Payload(id, version: 3, hash: "abc"), 1, 2, 0, 0)]);

        var stored = Assert.Single(await fixture.Qdrant.Client.RetrieveAsync(_alias, id, withPayload: true));
        Assert.Equal(id.ToString(), stored.Payload["pattern_id"].StringValue);
        Assert.Equal("caching", stored.Payload["pattern_type"].StringValue);
        Assert.Equal(3, stored.Payload["version"].IntegerValue);
        Assert.Equal(1_700_000_000, stored.Payload["created_at"].IntegerValue);
        Assert.Equal(Value.KindOneofCase.NullValue, stored.Payload["last_matched_at"].KindCase);
        Assert.Equal("redis", Assert.Single(stored.Payload["tags"].ListValue.Values).StringValue);
        Assert.Equal("abc", stored.Payload["content_hash"].StringValue);
    }

    [Fact]
    public async Task EnsureReady_creates_the_seed_collection_behind_an_alias()
    {
        await Index.EnsureReadyAsync();

        var info = await Index.GetInfoAsync();
        Assert.Equal(_alias, info.Alias);
        Assert.StartsWith($"{_alias}-test-model-4-", info.Collection);
        Assert.Equal(4, info.VectorSize);
        var collection = await fixture.Qdrant.Client.GetCollectionInfoAsync(info.Collection);
#pragma warning disable CS0612 // the seed's settings, see QdrantCollectionSettings
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
    public async Task Writers_leave_alone_a_rebuild_for_another_model()
    {
        await Index.EnsureReadyAsync();
        var building = await fixture.Qdrant.CreateCollections(_alias, new EmbeddingModel("test-model", 8)).BeginRebuildAsync();

        var id = Guid.NewGuid();
        await Index.UpsertAsync([Point(Payload(id), 1, 0, 0, 0)]);

        Assert.True((await Index.GetAsync([id])).ContainsKey(id));
        Assert.Empty(await fixture.Qdrant.Client.RetrieveAsync(building, id));
    }

    [Fact]
    public async Task A_host_on_the_model_being_built_works_on_the_new_collection_until_the_switch()
    {
        await Index.EnsureReadyAsync();
        var nextCollections = fixture.Qdrant.CreateCollections(_alias, new EmbeddingModel("next-model", 8));
        var next = fixture.Qdrant.CreateIndex(nextCollections);
        await Assert.ThrowsAsync<VectorIndexMismatchException>(() => next.EnsureReadyAsync());
        var building = await nextCollections.BeginRebuildAsync();

        var id = Guid.NewGuid();
        await next.UpsertAsync([Point(Payload(id), 1, 0, 0, 0, 0, 0, 0, 0)]);

        Assert.Equal([id], (await next.GetAsync([id])).Keys);
        Assert.Empty(await Index.GetAsync([id]));
        await nextCollections.CompleteRebuildAsync(building);
        Assert.Equal(building, (await next.GetInfoAsync()).Collection);
        Assert.Equal([id], (await next.GetAsync([id])).Keys);
    }

    [Fact]
    public async Task Abandoning_a_rebuild_drops_the_building_collection_but_never_one_already_live()
    {
        await Index.EnsureReadyAsync();
        var live = (await Index.GetInfoAsync()).Collection;
        var abandoned = await Collections.BeginRebuildAsync();
        await Collections.AbandonRebuildAsync(abandoned);
        Assert.False(await fixture.Qdrant.Client.CollectionExistsAsync(abandoned));
        Assert.DoesNotContain(await fixture.Qdrant.Client.ListAliasesAsync(), a => a.AliasName == Collections.BuildingAlias);

        var switched = await Collections.BeginRebuildAsync();
        await Collections.CompleteRebuildAsync(switched);
        await Collections.AbandonRebuildAsync(switched);
        Assert.Equal(switched, (await Index.GetInfoAsync()).Collection);
        Assert.NotEqual(live, switched);
    }

    [Fact]
    public async Task A_rebuild_cancelled_while_writers_notice_it_leaves_nothing_behind()
    {
        await Index.EnsureReadyAsync();
        var live = (await Index.GetInfoAsync()).Collection;
        using var cancel = new CancellationTokenSource();
        var rebuilds = new QdrantIndexRebuilds(fixture.Qdrant.Client, Collections, NullLogger<QdrantIndexRebuilds>.Instance);
        var begin = rebuilds.BeginAsync(cancel.Token);
        // Once the building alias exists, beginning waits for every writer to notice it: a stopping worker cancels it there.
        var building = await Eventually.ValueAsync(() => Collections.BuildingCollectionAsync(), c => c is not null,
            TimeSpan.FromSeconds(30), "the rebuild to begin");
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => begin);
        Assert.Null(await Collections.BuildingCollectionAsync());
        Assert.False(await fixture.Qdrant.Client.CollectionExistsAsync(building!));
        Assert.Equal(live, (await Index.GetInfoAsync()).Collection);
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
    public async Task Switching_the_alias_is_atomic_for_readers()
    {
        var id = Guid.NewGuid();
        await Index.UpsertAsync([Point(Payload(id), 1, 0, 0, 0)]);
        var first = (await Index.GetInfoAsync()).Collection;
        var second = await Collections.CreateCollectionAsync();
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
                    if ((await readerIndex.SearchAsync(new float[] { 1, 0, 0, 0 }, PatternFilter.None, 1, 0f)).Count != 1) failures++;
                }
                catch (RpcException) { failures++; }
                searches++;
            }
        });
        for (var i = 0; i < 20; i++) await Collections.SwitchAliasAsync(i % 2 == 0 ? second : first);
        await stop.CancelAsync();
        await reader;

        Assert.True(searches > 0);
        Assert.Equal(0, failures);
        Assert.Equal(first, (await Index.GetInfoAsync()).Collection);
    }
}
