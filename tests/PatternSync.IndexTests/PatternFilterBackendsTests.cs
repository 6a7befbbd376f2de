using Microsoft.EntityFrameworkCore;
using PatternSync.Core.Embeddings;
using PatternSync.Core.Filters;
using PatternSync.Core.Patterns;
using PatternSync.Core.VectorIndex;
using PatternSync.Testing;

namespace PatternSync.IndexTests;

/// <summary>
/// The filter's translations agree: the same filter over the same patterns picks the same ids in memory,
/// in SQL through EF Core on the real PostgreSQL, and in Qdrant (the stand-in, or a real one).
/// </summary>
public sealed class PatternFilterBackendsTests(PatternFilterBackendsTests.Backends backends)
    : IClassFixture<PatternFilterBackendsTests.Backends>
{
    private static readonly SuccessPattern[] Patterns =
    [
        Row("a", "caching", "active", quality: 0.9, successRate: 0.8, "redis", "python"),
        Row("b", "caching", "active", quality: 0.6, successRate: null, "redis"),
        Row("c", "queue_consumer", "deprecated", quality: 0.95, successRate: 0.2, "kafka"),
        Row("d", "ci_pipeline", "archived", quality: 0.3, successRate: 0.5, "github-actions", "python"),
        Row("e", "caching", "active", quality: 0.5, successRate: 1.0),
    ];

    public static TheoryData<string, PatternFilter, string[]> Filters => new()
    {
        { "no filter", PatternFilter.None, ["a", "b", "c", "d", "e"] },
        {
            "empty lists with all_tags", new PatternFilter { PatternTypes = [], Statuses = [], Tags = [], AllTags = true },
            ["a", "b", "c", "d", "e"]
        },
        { "types any", new PatternFilter { PatternTypes = ["caching", "ci_pipeline"] }, ["a", "b", "d", "e"] },
        { "statuses any", new PatternFilter { Statuses = ["deprecated", "archived"] }, ["c", "d"] },
        { "tags any", new PatternFilter { Tags = ["redis", "python"] }, ["a", "b", "d"] },
        { "tags all", new PatternFilter { Tags = ["redis", "python"], AllTags = true }, ["a"] },
        { "one tag all", new PatternFilter { Tags = ["python"], AllTags = true }, ["a", "d"] },
        { "min quality inclusive", new PatternFilter { MinQualityScore = 0.9 }, ["a", "c"] },
        { "min success rate skips null", new PatternFilter { MinSuccessRate = 0.5 }, ["a", "d", "e"] },
        { "min success rate zero skips null", new PatternFilter { MinSuccessRate = 0 }, ["a", "c", "d", "e"] },
        {
            "combined", new PatternFilter { PatternTypes = ["caching"], Tags = ["redis"], AllTags = true, MinQualityScore = 0.6 },
            ["a", "b"]
        },
        { "nothing matches", new PatternFilter { Tags = ["cobol"] }, [] },
    };

    [Theory]
    [MemberData(nameof(Filters))]
    public async Task Memory_sql_and_qdrant_pick_the_same_patterns(string _, PatternFilter filter, string[] expected)
    {
        var ids = expected.Select(Id).ToHashSet();

        var inMemory = Patterns.Where(p => filter.Matches(PatternPayload.From(p))).Select(p => p.PatternId).ToHashSet();
        await using var db = backends.Database.CreateDbContext();
        var inSql = (await db.Patterns.AsNoTracking().Matching(filter).Select(p => p.PatternId).ToListAsync()).ToHashSet();
        var hits = await backends.Qdrant.SearchAsync(new float[] { 1, 0, 0, 0 }, filter, 100, 0f);
        var inQdrant = hits.Select(m => m.PatternId).ToHashSet();

        Assert.Equal(ids, inMemory);
        Assert.Equal(ids, inSql);
        Assert.Equal(ids, inQdrant);
    }

    private static Guid Id(string name) => new($"00000000-0000-0000-0000-00000000000{name}");

    private static SuccessPattern Row(
        string name, string type, string status, double quality, double? successRate, params string[] tags) => new()
    {
        PatternId = Id(name), PatternType = type, Name = name, Description = name, ContextHash = "context", ExecutionTrace = "{}",
        SuccessCriteria = "{}", QualityMetrics = "{}", PerformanceData = "{}", Tags = tags, Status = status, Version = 1,
        QualityScore = quality, SuccessRate = successRate, ContentHash = name,
        CreatedAt = DateTimeOffset.UnixEpoch, UpdatedAt = DateTimeOffset.UnixEpoch,
    };

    // EF tracks what it saves; the rows the backends are compared on stay untouched.
    private static SuccessPattern Copy(SuccessPattern p) =>
        Row(p.Name, p.PatternType, p.Status, p.QualityScore, p.SuccessRate, p.Tags);

    /// <summary>One database and one Qdrant collection holding <see cref="Patterns"/>, for every case.</summary>
    public sealed class Backends : IAsyncLifetime
    {
        private QdrantUnderTest _qdrantServer = null!;
        public TestDatabase Database { get; private set; } = null!;
        public IPatternVectorIndex Qdrant { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            Database = await TestDatabase.CreateAsync("filters");
            await using (var db = Database.CreateDbContext())
            {
                db.Patterns.AddRange(Patterns.Select(Copy));
                await db.SaveChangesAsync();
            }
            _qdrantServer = await QdrantUnderTest.StartAsync();
            Qdrant = _qdrantServer.CreateIndex(QdrantUnderTest.UniqueAlias("filters"), new EmbeddingModel("test-model", 4));
            await Qdrant.UpsertAsync(Patterns.Select(p => new PatternPoint(PatternPayload.From(p), new float[] { 1, 0, 0, 0 })).ToList());
        }

        public async Task DisposeAsync()
        {
            await _qdrantServer.DisposeAsync();
            await Database.DisposeAsync();
        }
    }
}
