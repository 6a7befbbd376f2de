using Qdrant.Client.Grpc;
using static Qdrant.Client.Grpc.Conditions;

namespace QdrantStandIn.Tests;

public sealed class SearchTests(StandInFixture fixture) : IClassFixture<StandInFixture>
{
    private readonly Qdrant.Client.QdrantClient _client = fixture.Client;

    private async Task<string> FourDirectionsAsync()
    {
        var name = await fixture.NewCollectionAsync(2);
        await _client.UpsertAsync(name,
        [
            TestData.Point(1, [1f, 0f], new() { ["side"] = "right" }),
            TestData.Point(2, [2f, 2f], new() { ["side"] = "diagonal" }),
            TestData.Point(3, [0f, 5f], new() { ["side"] = "up" }),
            TestData.Point(4, [-1f, 0f], new() { ["side"] = "left" }),
        ]);
        return name;
    }

    [Fact]
    public async Task Search_ranks_by_cosine_similarity_with_exact_scores()
    {
        var name = await FourDirectionsAsync();

        var hits = await _client.SearchDeprecatedAsync(name, new[] { 10f, 0f });

        Assert.Equal([1ul, 2ul, 3ul, 4ul], hits.Select(h => h.Id.Num));
        Assert.Equal(1f, hits[0].Score, 5);
        Assert.Equal(MathF.Sqrt(0.5f), hits[1].Score, 5);
        Assert.Equal(0f, hits[2].Score, 5);
        Assert.Equal(-1f, hits[3].Score, 5);
        Assert.Equal("right", hits[0].Payload["side"].StringValue);
    }

    [Fact]
    public async Task Score_threshold_keeps_points_scoring_at_least_the_threshold()
    {
        var name = await FourDirectionsAsync();

        var searched = await _client.SearchDeprecatedAsync(name, new[] { 1f, 0f }, scoreThreshold: 0.7f);
        var queried = await _client.QueryAsync(name, new[] { 1f, 0f }, scoreThreshold: 0f);
        var exact = await _client.SearchDeprecatedAsync(name, new[] { 1f, 0f }, scoreThreshold: 1f);

        Assert.Equal([1ul, 2ul], searched.Select(h => h.Id.Num));
        Assert.Equal([1ul, 2ul, 3ul], queried.Select(h => h.Id.Num));
        Assert.Equal([1ul], exact.Select(h => h.Id.Num));
    }

    [Fact]
    public async Task Limit_and_offset_page_through_the_ranking()
    {
        var name = await FourDirectionsAsync();

        var searched = await _client.SearchDeprecatedAsync(name, new[] { 1f, 0f }, limit: 2, offset: 1);
        var queried = await _client.QueryAsync(name, new[] { 1f, 0f }, limit: 1, offset: 2);

        Assert.Equal([2ul, 3ul], searched.Select(h => h.Id.Num));
        Assert.Equal([3ul], queried.Select(h => h.Id.Num));
    }

    [Fact]
    public async Task Query_returns_payload_and_vectors_only_when_asked()
    {
        var name = await FourDirectionsAsync();

        var bare = await _client.QueryAsync(name, new[] { 1f, 0f }, limit: 1,
            payloadSelector: new WithPayloadSelector { Enable = false });
        var full = await _client.QueryAsync(name, new[] { 0f, 1f }, limit: 1,
            payloadSelector: new WithPayloadSelector { Enable = true },
            vectorsSelector: new WithVectorsSelector { Enable = true });

        Assert.Empty(bare[0].Payload);
        Assert.Null(bare[0].Vectors);
        Assert.Equal(3ul, full[0].Id.Num);
        Assert.Equal("up", full[0].Payload["side"].StringValue);
        Assert.Equal([0f, 1f], TestData.DenseVector(full[0].Vectors));
    }

    [Fact]
    public async Task Query_by_point_id_uses_its_vector_and_leaves_the_point_out()
    {
        var name = await FourDirectionsAsync();

        var hits = await _client.QueryAsync(name, 1ul, limit: 2);

        Assert.Equal([2ul, 3ul], hits.Select(h => h.Id.Num));
    }

    [Fact]
    public async Task Query_without_a_query_lists_points_by_id()
    {
        var name = await FourDirectionsAsync();

        var hits = await _client.QueryAsync(name, filter: MatchExcept("side", ["up"]), limit: 10);

        Assert.Equal([1ul, 2ul, 4ul], hits.Select(h => h.Id.Num));
    }

    [Fact]
    public async Task Query_with_prefetch_rescores_only_the_prefetched_points()
    {
        var name = await FourDirectionsAsync();

        var hits = await _client.QueryAsync(name, new[] { 1f, 0f },
            prefetch: [new PrefetchQuery { Query = new[] { 0f, 1f }, Limit = 2 }]);

        Assert.Equal([2ul, 3ul], hits.Select(h => h.Id.Num));
    }

    [Fact]
    public async Task Scroll_pages_visit_every_point_once_in_id_order()
    {
        var name = await fixture.NewCollectionAsync(2);
        var uuids = Enumerable.Range(0, 8).Select(_ => Guid.NewGuid()).ToList();
        var points = Enumerable.Range(1, 17)
            .Select(i => TestData.Point((ulong)(i * 3), [1f, i], new() { ["even"] = i % 2 == 0 }))
            .Concat(uuids.Select(u => TestData.Point(u, [0f, 1f], new() { ["even"] = true })))
            .ToList();
        await _client.UpsertAsync(name, points);

        var seen = new List<string>();
        PointId? offset = null;
        var pages = 0;
        do
        {
            var page = await _client.ScrollAsync(name, limit: 7, offset: offset);
            seen.AddRange(page.Result.Select(p => TestData.Id(p.Id)));
            offset = page.NextPageOffset;
            pages++;
        }
        while (offset is not null && pages < 100);

        var expected = Enumerable.Range(1, 17).Select(i => (i * 3).ToString())
            .Concat(uuids.Select(u => u.ToString()).Order(StringComparer.Ordinal));
        Assert.Equal(expected, seen);
        Assert.Equal(4, pages);
        Assert.Equal(8ul + 8ul, await _client.CountAsync(name, Match("even", true)));
        Assert.Equal(25ul, await _client.CountAsync(name));
    }

    [Fact]
    public async Task Scroll_with_a_filter_pages_over_matching_points_only()
    {
        var name = await fixture.NewCollectionAsync(2);
        await _client.UpsertAsync(name, Enumerable.Range(1, 10)
            .Select(i => TestData.Point((ulong)i, [1f, 0f], new() { ["odd"] = i % 2 == 1 }))
            .ToList());

        var first = await _client.ScrollAsync(name, Match("odd", true), limit: 3);
        var second = await _client.ScrollAsync(name, Match("odd", true), limit: 3, offset: first.NextPageOffset);

        Assert.Equal([1ul, 3ul, 5ul], first.Result.Select(p => p.Id.Num));
        Assert.Equal(7ul, first.NextPageOffset.Num);
        Assert.Equal([7ul, 9ul], second.Result.Select(p => p.Id.Num));
        Assert.Null(second.NextPageOffset);
    }

    [Fact]
    public async Task Batched_search_and_query_answer_each_request_in_order()
    {
        var name = await FourDirectionsAsync();

        var queried = await _client.QueryBatchAsync(name,
        [
            new QueryPoints { Query = new[] { 1f, 0f }, Limit = 1 },
            new QueryPoints { Query = new[] { -1f, 0f }, Limit = 1 },
        ]);
        var searched = await _client.SearchBatchDeprecatedAsync(name,
        [
            new SearchPoints { Vector = { 0f, 1f }, Limit = 1 },
        ]);

        Assert.Equal([1ul, 4ul], queried.Select(r => r.Result.Single().Id.Num));
        Assert.Equal(3ul, searched.Single().Result.Single().Id.Num);
    }
}
