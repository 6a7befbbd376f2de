using Grpc.Core;
using Qdrant.Client.Grpc;

namespace QdrantStandIn.Tests;

public sealed class PointTests(StandInFixture fixture) : IClassFixture<StandInFixture>
{
    private readonly Qdrant.Client.QdrantClient _client = fixture.Client;

    [Fact]
    public async Task Upserted_point_is_retrieved_with_payload_and_its_vector_normalised_for_cosine()
    {
        var name = await fixture.NewCollectionAsync();
        var id = Guid.NewGuid();

        var result = await _client.UpsertAsync(name,
        [
            TestData.Point(id, [3f, 4f, 0f], new() { ["title"] = "hello", ["tags"] = new[] { "a", "b" }, ["n"] = 7L }),
        ]);

        Assert.Equal(UpdateStatus.Completed, result.Status);
        var point = Assert.Single(await _client.RetrieveAsync(name, id, withPayload: true, withVectors: true));
        Assert.Equal(id.ToString(), point.Id.Uuid);
        Assert.Equal("hello", point.Payload["title"].StringValue);
        Assert.Equal(["a", "b"], point.Payload["tags"].ListValue.Values.Select(v => v.StringValue));
        Assert.Equal(7L, point.Payload["n"].IntegerValue);
        var vector = TestData.DenseVector(point.Vectors);
        Assert.Equal(0.6f, vector[0], 5);
        Assert.Equal(0.8f, vector[1], 5);
        Assert.Equal(0f, vector[2], 5);
        Assert.Equal(1, fixture.Server.State.PointCount(name));
    }

    [Fact]
    public async Task Upsert_replaces_vector_and_payload_and_operation_ids_increase()
    {
        var name = await fixture.NewCollectionAsync();
        var first = await _client.UpsertAsync(name, [TestData.Point(1, [1f, 0f, 0f], new() { ["a"] = 1L, ["b"] = 2L })]);

        var second = await _client.UpsertAsync(name, [TestData.Point(1, [0f, 2f, 0f], new() { ["c"] = 3L })]);

        Assert.True(second.OperationId > first.OperationId);
        var point = Assert.Single(await _client.RetrieveAsync(name, 1ul, withPayload: true, withVectors: true));
        Assert.Equal(["c"], point.Payload.Keys);
        Assert.Equal([0f, 1f, 0f], TestData.DenseVector(point.Vectors));
    }

    [Fact]
    public async Task Wrong_dimension_is_refused_and_nothing_from_the_request_is_written()
    {
        var name = await fixture.NewCollectionAsync();

        var error = await Assert.ThrowsAsync<RpcException>(() => _client.UpsertAsync(name,
        [
            TestData.Point(1, [1f, 0f, 0f]),
            TestData.Point(2, [1f, 0f]),
        ]));

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Equal("Wrong input: Vector dimension error: expected dim: 3, got 2", error.Status.Detail);
        Assert.Equal(0ul, await _client.CountAsync(name));
        var searchError = await Assert.ThrowsAsync<RpcException>(() => _client.SearchDeprecatedAsync(name, new[] { 1f }));
        Assert.Equal(StatusCode.InvalidArgument, searchError.StatusCode);
    }

    [Fact]
    public async Task Retrieve_honours_payload_include_and_exclude_and_skips_unknown_ids()
    {
        var name = await fixture.NewCollectionAsync();
        await _client.UpsertAsync(name,
        [
            TestData.Point(1, [1f, 0f, 0f], new()
            {
                ["a"] = 1L,
                ["b"] = 2L,
                ["nested"] = new Dictionary<string, Value> { ["x"] = 1L, ["y"] = 2L },
            }),
        ]);
        PointId[] ids = [1ul, 99ul];

        var included = Assert.Single(await _client.RetrieveAsync(name, ids,
            new WithPayloadSelector { Include = new PayloadIncludeSelector { Fields = { "a", "nested.y" } } },
            new WithVectorsSelector { Enable = false }));
        var excluded = Assert.Single(await _client.RetrieveAsync(name, ids,
            new WithPayloadSelector { Exclude = new PayloadExcludeSelector { Fields = { "a", "nested.x" } } },
            new WithVectorsSelector { Enable = false }));
        var bare = Assert.Single(await _client.RetrieveAsync(name, 1ul, withPayload: false, withVectors: false));

        Assert.Equal(["a", "nested"], included.Payload.Keys.Order());
        Assert.Equal(["y"], included.Payload["nested"].StructValue.Fields.Keys);
        Assert.Equal(["b", "nested"], excluded.Payload.Keys.Order());
        Assert.Equal(["y"], excluded.Payload["nested"].StructValue.Fields.Keys);
        Assert.Null(included.Vectors);
        Assert.Empty(bare.Payload);
    }

    [Fact]
    public async Task Set_payload_merges_keys_and_leaves_the_vector_untouched()
    {
        var name = await fixture.NewCollectionAsync();
        await _client.UpsertAsync(name,
        [
            TestData.Point(1, [1f, 2f, 2f], new() { ["a"] = 1L, ["b"] = "old" }),
            TestData.Point(2, [0f, 1f, 0f], new() { ["a"] = 2L }),
        ]);
        var before = fixture.Server.State.GetPoint(name, 1ul)!;

        await _client.SetPayloadAsync(name, new Dictionary<string, Value> { ["b"] = "new", ["c"] = true }, 1ul);
        await _client.SetPayloadAsync(name, new Dictionary<string, Value> { ["seen"] = true },
            Conditions.Match("a", 2L));

        var after = fixture.Server.State.GetPoint(name, 1ul)!;
        Assert.Equal(before.Vector, after.Vector);
        Assert.Equal(1L, after.Payload.Fields["a"].IntegerValue);
        Assert.Equal("new", after.Payload.Fields["b"].StringValue);
        Assert.True(after.Payload.Fields["c"].BoolValue);
        Assert.False(after.Payload.Fields.ContainsKey("seen"));
        Assert.True(fixture.Server.State.GetPoint(name, 2ul)!.Payload.Fields["seen"].BoolValue);
    }

    [Fact]
    public async Task Set_payload_with_a_key_merges_into_the_nested_object()
    {
        var name = await fixture.NewCollectionAsync();
        await _client.UpsertAsync(name,
        [
            TestData.Point(1, [1f, 0f, 0f], new() { ["meta"] = new Dictionary<string, Value> { ["keep"] = 1L } }),
        ]);

        await _client.SetPayloadAsync(name, new Dictionary<string, Value> { ["added"] = 2L }, 1ul, key: "meta");

        var meta = fixture.Server.State.GetPoint(name, 1ul)!.Payload.Fields["meta"].StructValue.Fields;
        Assert.Equal(1L, meta["keep"].IntegerValue);
        Assert.Equal(2L, meta["added"].IntegerValue);
    }

    [Fact]
    public async Task Payload_edits_on_a_missing_point_answer_not_found()
    {
        var name = await fixture.NewCollectionAsync();

        var error = await Assert.ThrowsAsync<RpcException>(() =>
            _client.SetPayloadAsync(name, new Dictionary<string, Value> { ["a"] = 1L }, 42ul));

        Assert.Equal(StatusCode.NotFound, error.StatusCode);
    }

    [Fact]
    public async Task Overwrite_delete_and_clear_payload_do_what_they_say()
    {
        var name = await fixture.NewCollectionAsync();
        await _client.UpsertAsync(name,
        [
            TestData.Point(1, [1f, 0f, 0f], new() { ["a"] = 1L, ["b"] = 2L, ["c"] = 3L }),
            TestData.Point(2, [0f, 1f, 0f], new() { ["a"] = 1L, ["b"] = 2L, ["c"] = 3L }),
            TestData.Point(3, [0f, 0f, 1f], new() { ["a"] = 1L }),
        ]);

        await _client.OverwritePayloadAsync(name, new Dictionary<string, Value> { ["z"] = "only" }, 1ul);
        await _client.DeletePayloadAsync(name, ["a", "c"], 2ul);
        await _client.ClearPayloadAsync(name, 3ul);

        Assert.Equal(["z"], fixture.Server.State.GetPoint(name, 1ul)!.Payload.Fields.Keys);
        Assert.Equal(["b"], fixture.Server.State.GetPoint(name, 2ul)!.Payload.Fields.Keys);
        Assert.Empty(fixture.Server.State.GetPoint(name, 3ul)!.Payload.Fields);
        Assert.Equal(3, fixture.Server.State.PointCount(name));
    }

    [Fact]
    public async Task Delete_by_ids_and_by_filter_removes_exactly_those_points()
    {
        var name = await fixture.NewCollectionAsync();
        await _client.UpsertAsync(name,
        [
            TestData.Point(1, [1f, 0f, 0f], new() { ["kind"] = "a" }),
            TestData.Point(2, [1f, 0f, 0f], new() { ["kind"] = "b" }),
            TestData.Point(3, [1f, 0f, 0f], new() { ["kind"] = "b" }),
            TestData.Point(4, [1f, 0f, 0f], new() { ["kind"] = "c" }),
        ]);

        await _client.DeleteAsync(name, 1ul);
        await _client.DeleteAsync(name, [99ul]);
        await _client.DeleteAsync(name, Conditions.MatchKeyword("kind", "b"));

        var left = await _client.ScrollAsync(name);
        Assert.Equal([4ul], left.Result.Select(p => p.Id.Num));
    }

    [Fact]
    public async Task Update_vectors_replaces_only_the_vector()
    {
        var name = await fixture.NewCollectionAsync();
        await _client.UpsertAsync(name, [TestData.Point(1, [1f, 0f, 0f], new() { ["a"] = 1L })]);

        await _client.UpdateVectorsAsync(name, [new PointVectors { Id = 1ul, Vectors = new[] { 0f, 0f, 5f } }]);

        var point = fixture.Server.State.GetPoint(name, 1ul)!;
        Assert.Equal([0f, 0f, 1f], point.Vector);
        Assert.Equal(1L, point.Payload.Fields["a"].IntegerValue);
    }
}
