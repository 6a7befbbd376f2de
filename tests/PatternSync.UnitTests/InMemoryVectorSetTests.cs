using PatternSync.Core.Filters;
using PatternSync.Core.VectorIndex;
using PatternSync.Core.VectorIndex.Postgres;

namespace PatternSync.UnitTests;

/// <summary>The embedded index's in-memory copy, checked against a brute-force ranking of the same data.</summary>
public sealed class InMemoryVectorSetTests
{
    private const int Dimensions = 16;
    private readonly Random _random = new(7);

    [Fact]
    public void Search_ranks_like_brute_force_after_growth_updates_deletes_and_reused_slots()
    {
        var set = new InMemoryVectorSet(Dimensions);
        var truth = new Dictionary<Guid, (PatternPayload Payload, float[] Vector)>();
        var seq = 0L;
        // 600 patterns outgrow the initial 256 slots; then some change, some go, and new ones take freed slots.
        for (var i = 0; i < 600; i++) Put(Guid.NewGuid(), i % 3 == 0 ? "caching" : "retry");
        foreach (var id in truth.Keys.Take(100).ToList()) Put(id, "caching");
        foreach (var id in truth.Keys.Skip(100).Take(150).ToList())
        {
            set.Apply(id, ++seq, null, null);
            truth.Remove(id);
        }
        for (var i = 0; i < 120; i++) Put(Guid.NewGuid(), "caching");

        var query = RandomUnitVector();
        var filter = new PatternFilter { PatternTypes = ["caching"] };
        var expected = truth.Where(t => t.Value.Payload.PatternType == "caching")
            .OrderByDescending(t => Dot(query, t.Value.Vector)).Take(10).Select(t => t.Key).ToList();

        Assert.Equal(expected, set.Search(query, filter, 10, scoreThreshold: -1).Select(m => m.PatternId).ToList());
        Assert.Equal(truth.Count, set.Count(PatternFilter.None));
        Assert.Equal(truth.Values.Count(t => t.Payload.PatternType == "caching"), set.Count(filter));

        void Put(Guid id, string type)
        {
            var payload = new PatternPayload(id, type, 1, "active", [], 0.9, null, 0, 0, null, "hash");
            var vector = RandomUnitVector();
            set.Apply(id, ++seq, payload, vector);
            truth[id] = (payload, vector);
        }
    }

    [Fact]
    public void An_older_change_never_replaces_a_newer_one()
    {
        var set = new InMemoryVectorSet(Dimensions);
        var id = Guid.NewGuid();
        var vector = RandomUnitVector();
        set.Apply(id, 5, new PatternPayload(id, "caching", 2, "active", [], 0.9, null, 0, 0, null, "new"), vector);
        set.Apply(id, 4, new PatternPayload(id, "caching", 1, "active", [], 0.9, null, 0, 0, null, "old"), vector);
        set.Apply(id, 3, null, null);

        var hit = Assert.Single(set.Search(vector, PatternFilter.None, 10, 0));
        Assert.Equal(("new", 2), (hit.ContentHash, hit.Version));
    }

    private float[] RandomUnitVector() =>
        InMemoryVectorSet.Normalise(Enumerable.Range(0, Dimensions).Select(_ => (float)(_random.NextDouble() * 2 - 1)).ToArray());

    private static double Dot(float[] a, float[] b) => a.Zip(b, (x, y) => (double)x * y).Sum();
}
