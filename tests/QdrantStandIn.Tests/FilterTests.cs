using Qdrant.Client.Grpc;
using static Qdrant.Client.Grpc.Conditions;

namespace QdrantStandIn.Tests;

/// <summary>Each filter kind, through Scroll, Count, Search and Query, against a small hand-made data set.</summary>
public sealed class FilterTests(StandInFixture fixture) : IClassFixture<StandInFixture>, IAsyncLifetime
{
    private static readonly Guid Five = Guid.Parse("0a6e5c46-33c9-4d6a-8f3e-1d2f3c4b5a69");

    private readonly Qdrant.Client.QdrantClient _client = fixture.Client;
    private string _name = null!;

    public async Task InitializeAsync()
    {
        _name = await fixture.NewCollectionAsync(2);
        await _client.UpsertAsync(_name,
        [
            TestData.Point(1, [1f, 0f], new()
            {
                ["kind"] = "bug", ["tags"] = new[] { "a", "b" }, ["n"] = 1L, ["flag"] = true,
                ["meta"] = new Dictionary<string, Value> { ["lang"] = "cs" },
                ["items"] = new Value[] { Item("x", 1), Item("y", 5) },
            }),
            TestData.Point(2, [0f, 1f], new()
            {
                ["kind"] = "feature", ["tags"] = new[] { "b" }, ["n"] = 5L, ["flag"] = false,
                ["meta"] = new Dictionary<string, Value> { ["lang"] = "py" },
                ["items"] = new Value[] { Item("x", 5) },
            }),
            TestData.Point(3, [1f, 1f], new() { ["kind"] = "bug", ["tags"] = Array.Empty<string>(), ["n"] = 10L }),
            TestData.Point(4, [-1f, 0f], new()
            {
                ["kind"] = "docs", ["n"] = -3L, ["note"] = new Value { NullValue = NullValue.NullValue },
            }),
            TestData.Point(Five, [0f, -1f], new() { ["tags"] = new[] { "c" }, ["n"] = 7.5 }),
        ]);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    public static TheoryData<string, Filter, string[]> Cases() => new()
    {
        { "keyword", MatchKeyword("kind", "bug"), ["1", "3"] },
        { "keyword on array", MatchKeyword("tags", "b"), ["1", "2"] },
        { "integer", Match("n", 5L), ["2"] },
        { "boolean", Match("flag", true), ["1"] },
        { "match any", Match("kind", ["bug", "docs"]), ["1", "3", "4"] },
        { "match except (missing field excluded)", MatchExcept("kind", ["bug"]), ["2", "4"] },
        { "match except integers", MatchExcept("n", [1L, 5L]), ["3", "4", Five.ToString()] },
        { "range gt", Conditions.Range("n", new Qdrant.Client.Grpc.Range { Gt = 1 }), ["2", "3", Five.ToString()] },
        { "range gte", Conditions.Range("n", new Qdrant.Client.Grpc.Range { Gte = 1 }), ["1", "2", "3", Five.ToString()] },
        { "range lt", Conditions.Range("n", new Qdrant.Client.Grpc.Range { Lt = 5 }), ["1", "4"] },
        { "range lte", Conditions.Range("n", new Qdrant.Client.Grpc.Range { Lte = 5 }), ["1", "2", "4"] },
        { "range on a double", Conditions.Range("n", new Qdrant.Client.Grpc.Range { Gt = 7, Lt = 8 }), [Five.ToString()] },
        { "must and must_not", new Filter { Must = { MatchKeyword("kind", "bug") }, MustNot = { Match("n", 10L) } }, ["1"] },
        { "should", new Filter { Should = { MatchKeyword("kind", "feature"), MatchKeyword("tags", "c") } }, ["2", Five.ToString()] },
        { "must with should", new Filter { Must = { MatchKeyword("tags", "b") }, Should = { Match("n", 1L), Match("n", 7L) } }, ["1"] },
        { "must_not only", new Filter { MustNot = { MatchKeyword("kind", "bug") } }, ["2", "4", Five.ToString()] },
        {
            "min_should",
            new Filter
            {
                MinShould = new MinShould
                {
                    MinCount = 2, Conditions = { MatchKeyword("kind", "bug"), MatchKeyword("tags", "a"), Match("flag", true) },
                },
            },
            ["1"]
        },
        { "has_id", HasId(1ul) | HasId(Five), ["1", Five.ToString()] },
        { "is_empty", IsEmpty("tags"), ["3", "4"] },
        { "is_null", IsNull("note"), ["4"] },
        { "nested filter on one element", Nested("items", new Filter { Must = { MatchKeyword("name", "x"), Match("qty", 5L) } }), ["2"] },
        {
            "dotted keys across elements", new Filter { Must = { MatchKeyword("items[].name", "x"), Match("items[].qty", 5L) } },
            ["1", "2"]
        },
        { "dotted key into an object", MatchKeyword("meta.lang", "cs"), ["1"] },
        { "values count", ValuesCount("tags", new ValuesCount { Gte = 2 }), ["1"] },
        {
            "nested boolean filter",
            new Filter
            {
                Must = { Conditions.Filter(new Filter { Should = { Match("n", 1L), Match("n", 10L) } }) },
                MustNot = { Match("flag", true) },
            },
            ["3"]
        },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Scroll_and_count_return_exactly_the_matching_points(string kind, Filter filter, string[] expected)
    {
        var page = await _client.ScrollAsync(_name, filter, limit: 100);
        var count = await _client.CountAsync(_name, filter);

        Assert.True(expected.Order().SequenceEqual(page.Result.Select(p => TestData.Id(p.Id)).Order()), kind);
        Assert.Equal((ulong)expected.Length, count);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Search_and_query_apply_the_filter_before_ranking(string kind, Filter filter, string[] expected)
    {
        var searched = await _client.SearchDeprecatedAsync(_name, new[] { 1f, 0f }, filter, limit: 100);
        var queried = await _client.QueryAsync(_name, new[] { 1f, 0f }, filter: filter, limit: 100);

        Assert.True(expected.Order().SequenceEqual(searched.Select(p => TestData.Id(p.Id)).Order()), kind);
        Assert.True(expected.Order().SequenceEqual(queried.Select(p => TestData.Id(p.Id)).Order()), kind);
    }

    private static Value Item(string name, long qty) =>
        new Dictionary<string, Value> { ["name"] = name, ["qty"] = qty };
}
