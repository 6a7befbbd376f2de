using Grpc.Core;
using Qdrant.Client.Grpc;

namespace QdrantStandIn.Tests;

public sealed class CollectionTests(StandInFixture fixture) : IClassFixture<StandInFixture>
{
    private readonly Qdrant.Client.QdrantClient _client = fixture.Client;

    [Fact]
    public async Task Health_check_names_the_engine_and_the_stand_in_version()
    {
        var reply = await _client.HealthAsync();

        Assert.Equal("qdrant - vector search engine", reply.Title);
        Assert.Equal("1.x-standin", reply.Version);
    }

    [Fact]
    public async Task Created_collection_exists_is_listed_and_echoes_its_configuration()
    {
        var name = "cfg_" + Guid.NewGuid().ToString("N");
        await _client.CreateCollectionAsync(
            name,
            new VectorParams { Size = 384, Distance = Distance.Cosine },
            onDiskPayload: true,
            hnswConfig: new HnswConfigDiff { M = 32, EfConstruct = 200 },
            optimizersConfig: new OptimizersConfigDiff { IndexingThreshold = 0 },
            quantizationConfig: new QuantizationConfig
            {
                Scalar = new ScalarQuantization { Type = QuantizationType.Int8, Quantile = 0.99f },
            });
        await _client.CreatePayloadIndexAsync(name, "kind", PayloadSchemaType.Keyword);
        await _client.CreatePayloadIndexAsync(name, "count", PayloadSchemaType.Integer);
        await _client.UpsertAsync(name,
        [
            TestData.Point(1, Enumerable.Repeat(1f, 384).ToArray(), new() { ["kind"] = "bug" }),
            TestData.Point(2, Enumerable.Repeat(2f, 384).ToArray(), new() { ["count"] = 3L }),
        ]);

        Assert.True(await _client.CollectionExistsAsync(name));
        Assert.Contains(name, await _client.ListCollectionsAsync());
        var info = await _client.GetCollectionInfoAsync(name);

        Assert.Equal(CollectionStatus.Green, info.Status);
        Assert.Equal(2ul, info.PointsCount);
        Assert.Equal(2ul, info.IndexedVectorsCount);
        Assert.Equal(1ul, info.SegmentsCount);
        Assert.Equal(384ul, info.Config.Params.VectorsConfig.Params.Size);
        Assert.Equal(Distance.Cosine, info.Config.Params.VectorsConfig.Params.Distance);
#pragma warning disable CS0612 // Deprecated in the proto, still what the client sends and reads.
        Assert.True(info.Config.Params.OnDiskPayload);
#pragma warning restore CS0612
        Assert.Equal(32ul, info.Config.HnswConfig.M);
        Assert.Equal(200ul, info.Config.HnswConfig.EfConstruct);
        Assert.Equal(10_000ul, info.Config.HnswConfig.FullScanThreshold);
        Assert.Equal(0ul, info.Config.OptimizerConfig.IndexingThreshold);
        Assert.Equal(QuantizationType.Int8, info.Config.QuantizationConfig.Scalar.Type);
        Assert.Equal(0.99f, info.Config.QuantizationConfig.Scalar.Quantile);
        Assert.Equal(PayloadSchemaType.Keyword, info.PayloadSchema["kind"].DataType);
        Assert.Equal(1ul, info.PayloadSchema["kind"].Points);
        Assert.Equal(PayloadSchemaType.Integer, info.PayloadSchema["count"].DataType);
    }

    [Fact]
    public async Task Creating_an_existing_collection_is_refused_with_invalid_argument()
    {
        var name = await fixture.NewCollectionAsync();

        var error = await Assert.ThrowsAsync<RpcException>(() =>
            _client.CreateCollectionAsync(name, new VectorParams { Size = 3, Distance = Distance.Cosine }));

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Equal($"Wrong input: Collection `{name}` already exists!", error.Status.Detail);
    }

    [Fact]
    public async Task Unknown_collection_answers_not_found_on_every_kind_of_call()
    {
        const string missing = "no_such_collection";

        Assert.False(await _client.CollectionExistsAsync(missing));
        var calls = new Func<Task>[]
        {
            () => _client.GetCollectionInfoAsync(missing),
            () => _client.UpsertAsync(missing, [TestData.Point(1, [1f, 0f, 0f])]),
            () => _client.SearchDeprecatedAsync(missing, new[] { 1f, 0f, 0f }),
            () => _client.QueryAsync(missing, new[] { 1f, 0f, 0f }),
            () => _client.ScrollAsync(missing),
            () => _client.CountAsync(missing),
            () => _client.RetrieveAsync(missing, 1ul),
            () => _client.DeleteAsync(missing, 1ul),
        };
        foreach (var call in calls)
        {
            var error = await Assert.ThrowsAsync<RpcException>(call);
            Assert.Equal(StatusCode.NotFound, error.StatusCode);
            Assert.Equal("Not found: Collection `no_such_collection` doesn't exist!", error.Status.Detail);
        }
    }

    [Fact]
    public async Task Deleted_collection_is_gone_and_takes_its_aliases_with_it()
    {
        var name = await fixture.NewCollectionAsync();
        var alias = "alias_" + Guid.NewGuid().ToString("N");
        await _client.CreateAliasAsync(alias, name);

        await _client.DeleteCollectionAsync(name);

        Assert.False(await _client.CollectionExistsAsync(name));
        Assert.False(await _client.CollectionExistsAsync(alias));
        Assert.DoesNotContain(await _client.ListAliasesAsync(), a => a.AliasName == alias);
    }

    [Fact]
    public async Task Dot_and_euclid_collections_score_as_qdrant_does()
    {
        var dot = await fixture.NewCollectionAsync(2, Distance.Dot);
        var euclid = await fixture.NewCollectionAsync(2, Distance.Euclid);
        PointStruct[] points = [TestData.Point(1, [3f, 4f]), TestData.Point(2, [1f, 0f])];
        await _client.UpsertAsync(dot, points);
        await _client.UpsertAsync(euclid, points);

        var byDot = await _client.SearchDeprecatedAsync(dot, new[] { 1f, 1f });
        var byEuclid = await _client.SearchDeprecatedAsync(euclid, new[] { 1f, 0f });

        Assert.Equal([1ul, 2ul], byDot.Select(p => p.Id.Num));
        Assert.Equal(7f, byDot[0].Score, 4);
        // Distances: nearest first, and the score is the distance itself.
        Assert.Equal([2ul, 1ul], byEuclid.Select(p => p.Id.Num));
        Assert.Equal(0f, byEuclid[0].Score, 4);
        Assert.Equal(MathF.Sqrt(20f), byEuclid[1].Score, 4);
    }

    [Fact]
    public async Task Update_collection_and_payload_index_removal_show_in_the_info()
    {
        var name = await fixture.NewCollectionAsync();
        await _client.CreatePayloadIndexAsync(name, "kind");
        await _client.CreatePayloadIndexAsync(name, "n", PayloadSchemaType.Integer);

        await _client.UpdateCollectionAsync(name,
            optimizersConfig: new OptimizersConfigDiff { IndexingThreshold = 5 },
            hnswConfig: new HnswConfigDiff { M = 8 });
        await _client.DeletePayloadIndexAsync(name, "kind");

        var info = await _client.GetCollectionInfoAsync(name);
        Assert.Equal(5ul, info.Config.OptimizerConfig.IndexingThreshold);
        Assert.Equal(8ul, info.Config.HnswConfig.M);
        Assert.Equal(100ul, info.Config.HnswConfig.EfConstruct);
        Assert.Equal(["n"], info.PayloadSchema.Keys);
    }
}
