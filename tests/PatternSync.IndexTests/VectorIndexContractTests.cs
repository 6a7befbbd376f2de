using PatternSync.Core.Filters;
using PatternSync.Core.VectorIndex;
using static PatternSync.IndexTests.TestPatterns;

namespace PatternSync.IndexTests;

/// <summary>
/// What every <see cref="IPatternVectorIndex"/> must do, run against each provider: the Qdrant adapter
/// (on the stand-in or a real Qdrant) and the embedded PostgreSQL index.
/// </summary>
public abstract class VectorIndexContractTests
{
    protected abstract IPatternVectorIndex Index { get; }

    /// <summary>The vector the index stores for a pattern (normalised), read behind the interface's back.</summary>
    protected abstract Task<float[]> StoredVectorAsync(Guid id);

    /// <summary>The payload the index stores for a pattern, read behind the interface's back through the payload's field list.</summary>
    protected abstract Task<PatternPayload> StoredPayloadAsync(Guid id);

    public static TheoryData<string> PayloadVariants => ["every field set", "optional fields null"];

    [Theory]
    [MemberData(nameof(PayloadVariants))]
    public async Task Every_payload_field_round_trips_through_the_index(string variant)
    {
        var id = Guid.NewGuid();
        var set = variant == "every field set";
        var payload = new PatternPayload(id, "api_optimization", 7, "archived", ["redis", "caching"], 0.81, set ? 0.64 : null, 12,
            1_700_000_123, set ? 1_700_000_456 : null, "hash-7");
        await Index.UpsertAsync([Point(payload with { Version = 6, Status = "active" }, 1, 0, 0, 0)]);
        Assert.Equivalent(payload with { Version = 6, Status = "active" }, await StoredPayloadAsync(id), strict: true);

        await Index.SetPayloadAsync([payload]);

        Assert.Equivalent(payload, await StoredPayloadAsync(id), strict: true);
    }

    [Fact]
    public async Task Upsert_then_get_and_search_return_the_point()
    {
        var id = Guid.NewGuid();
        await Index.UpsertAsync([Point(Payload(id, version: 3, hash: "abc"), 1, 2, 0, 0)]);

        var held = await Index.GetAsync([id, Guid.NewGuid()]);
        Assert.Equal(new IndexedPoint(id, 3, "abc"), Assert.Single(held).Value);
        var match = Assert.Single(await Index.SearchAsync(new float[] { 1, 2, 0, 0 }, PatternFilter.None, 10, 0.5f));
        Assert.Equal(new VectorMatch(id, match.Score, 3, "abc"), match);
        Assert.Equal(1.0f, match.Score, 4);
    }

    [Fact]
    public async Task A_payload_only_write_is_refused_where_the_point_holds_another_text()
    {
        // The point took text B (hash "b") at version 2 after a worker compared version 1 (hash "a") with a row at
        // version 3 whose text is A again: the worker's payload-only write must not keep B's vector under hash "a".
        var id = Guid.NewGuid();
        await Index.UpsertAsync([Point(Payload(id, version: 2, hash: "b"), 0, 1, 0, 0)]);

        await Index.SetPayloadAsync([Payload(id, version: 3, hash: "a", status: "archived")]);

        Assert.Equal(new IndexedPoint(id, 2, "b"), (await Index.GetAsync([id]))[id]);
        await Index.SetPayloadAsync([Payload(id, version: 3, hash: "b", status: "archived")]);
        Assert.Equal(new IndexedPoint(id, 3, "b"), (await Index.GetAsync([id]))[id]);
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

        var all = await Index.SearchAsync(new float[] { 1, 0, 0, 0 }, PatternFilter.None, 10, 0f);
        var above = await Index.SearchAsync(new float[] { 1, 0, 0, 0 }, PatternFilter.None, 10, 0.7f);
        var limited = await Index.SearchAsync(new float[] { 1, 0, 0, 0 }, PatternFilter.None, 1, 0f);

        Assert.Equal([same, close, orthogonal], all.Select(m => m.PatternId));
        Assert.Equal([same, close], above.Select(m => m.PatternId));
        Assert.Equal(0.7071f, above[1].Score, 3);
        Assert.Equal([same], limited.Select(m => m.PatternId));
    }

    public static TheoryData<string, PatternFilter, string[]> Filters => new()
    {
        { "types any", new PatternFilter { PatternTypes = ["caching", "ci_pipeline"] }, ["a", "b", "d"] },
        { "one status", new PatternFilter { Statuses = ["deprecated"] }, ["c"] },
        { "statuses any", new PatternFilter { Statuses = ["deprecated", "archived"] }, ["c", "d"] },
        { "tags any", new PatternFilter { Tags = ["redis", "kafka"] }, ["a", "b", "c"] },
        { "tags all", new PatternFilter { Tags = ["redis", "python"], AllTags = true }, ["a"] },
        { "min quality", new PatternFilter { MinQualityScore = 0.8 }, ["a", "c"] },
        { "min quality inclusive", new PatternFilter { MinQualityScore = 0.95 }, ["c"] },
        { "min success rate excludes none", new PatternFilter { MinSuccessRate = 0.5 }, ["a", "d"] },
        { "combined", new PatternFilter { PatternTypes = ["caching"], Tags = ["redis"], MinQualityScore = 0.5 }, ["a", "b"] },
        { "nothing matches", new PatternFilter { PatternTypes = ["caching"], Statuses = ["archived"] }, [] },
        { "no filter", PatternFilter.None, ["a", "b", "c", "d"] },
    };

    [Theory]
    [MemberData(nameof(Filters))]
    public async Task Filters_return_exactly_the_matching_points(string _, PatternFilter filter, string[] expected)
    {
        var ids = new Dictionary<string, Guid>
        {
            ["a"] = Guid.NewGuid(), ["b"] = Guid.NewGuid(), ["c"] = Guid.NewGuid(), ["d"] = Guid.NewGuid(),
        };
        await Index.UpsertAsync([
            Point(Payload(ids["a"], type: "caching", tags: ["redis", "python"], quality: 0.9, successRate: 0.8), 1, 0, 0, 0),
            Point(Payload(ids["b"], type: "caching", tags: ["redis"], quality: 0.6, successRate: null), 0.9f, 0.1f, 0, 0),
            Point(Payload(ids["c"], type: "queue_consumer", status: "deprecated", tags: ["kafka"], quality: 0.95, successRate: 0.2),
                0.8f, 0.2f, 0, 0),
            Point(Payload(ids["d"], type: "ci_pipeline", status: "archived", tags: ["github-actions"], quality: 0.3, successRate: 0.5),
                0.7f, 0.3f, 0, 0),
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
        var before = await StoredVectorAsync(id);

        await Index.SetPayloadAsync([Payload(id, version: 2, status: "deprecated", successRate: 0.75) with { MatchCount = 17 }]);

        Assert.Equal(before, await StoredVectorAsync(id));
        Assert.Equal(2, (await Index.GetAsync([id]))[id].Version);
        var deprecated = new PatternFilter { Statuses = ["deprecated"], MinSuccessRate = 0.75 };
        Assert.Equal([id], (await Index.SearchAsync(new float[] { 1, 1, 1, 1 }, deprecated, 10, 0f)).Select(m => m.PatternId));
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

        Assert.Equal(new IndexedPoint(id, 5, "v5"), (await Index.GetAsync([id]))[id]);
        Assert.Equal(new[] { 1f, 0, 0, 0 }, await StoredVectorAsync(id));
        Assert.Equal(0, await Index.CountAsync(new PatternFilter { Statuses = ["archived"] }));
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
        Assert.Empty(await Index.SearchAsync(new float[] { 1, 0, 0, 0 }, PatternFilter.None, 10, 0f));
    }

    [Fact]
    public async Task A_batch_guards_each_point_by_its_own_version()
    {
        Guid older = Guid.NewGuid(), newer = Guid.NewGuid(), fresh = Guid.NewGuid();
        await Index.UpsertAsync([
            Point(Payload(older, version: 1, hash: "old"), 1, 0, 0, 0),
            Point(Payload(newer, version: 9, hash: "nine"), 1, 0, 0, 0),
        ]);

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
    public async Task Unconditional_delete_removes_whatever_version_is_held()
    {
        var id = Guid.NewGuid();
        await Index.UpsertAsync([Point(Payload(id, version: 7), 1, 0, 0, 0)]);

        await Index.DeleteUnconditionallyAsync([id]);

        Assert.Empty(await Index.GetAsync([id]));
        Assert.Equal(0, await Index.CountAsync());
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
}
