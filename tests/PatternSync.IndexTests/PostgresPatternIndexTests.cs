using Npgsql;
using PatternSync.Core.Embeddings;
using PatternSync.Core.VectorIndex;
using PatternSync.Core.VectorIndex.Postgres;
using PatternSync.Testing;
using static PatternSync.IndexTests.TestPatterns;

namespace PatternSync.IndexTests;

/// <summary>The embedded index on the real PostgreSQL, migrated by the project's migrations.</summary>
public sealed class PostgresPatternIndexTests(PostgresIndexFixture fixture) : VectorIndexContractTests, IClassFixture<PostgresIndexFixture>, IAsyncLifetime
{
    private static readonly EmbeddingModel Model = new("test-model", 4);
    private PostgresPatternIndex _index = null!;

    protected override IPatternVectorIndex Index => _index;

    public async Task InitializeAsync()
    {
        await fixture.Database.ExecuteAsync("TRUNCATE pattern_vectors");
        _index = new PostgresPatternIndex(fixture.DataSource, Model);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    protected override async Task<float[]> StoredVectorAsync(Guid id)
    {
        await using var command = fixture.DataSource.CreateCommand("SELECT embedding FROM pattern_vectors WHERE pattern_id = @id");
        command.Parameters.AddWithValue("id", id);
        return (float[])(await command.ExecuteScalarAsync())!;
    }

    [Fact]
    public async Task Another_process_sees_the_writes_of_this_one()
    {
        var id = Guid.NewGuid();
        var otherProcess = new PostgresPatternIndex(fixture.DataSource, Model);
        Assert.Equal(0, await otherProcess.CountAsync());

        await Index.UpsertAsync([Point(Payload(id), 1, 0, 0, 0)]);
        Assert.Equal([id], (await otherProcess.SearchAsync(new float[] { 1, 0, 0, 0 }, PatternSearchFilter.None, 5, 0f)).Select(m => m.PatternId));

        await Index.SetPayloadAsync([Payload(id, version: 2, status: "archived")]);
        Assert.Equal(1, await otherProcess.CountAsync(new PatternSearchFilter { Statuses = ["archived"] }));

        await Index.DeleteUnconditionallyAsync([id]);
        Assert.Empty(await otherProcess.SearchAsync(new float[] { 1, 0, 0, 0 }, PatternSearchFilter.None, 5, 0f));
    }

    [Fact]
    public async Task A_process_reads_a_bulk_change_larger_than_one_refresh_page_completely()
    {
        var otherProcess = new PostgresPatternIndex(fixture.DataSource, Model);
        Assert.Equal(0, await otherProcess.CountAsync());

        // 4500 changes: more than two of the 2000-row pages a refresh reads at a time.
        var points = Enumerable.Range(0, 4500).Select(i => Point(Payload(Guid.NewGuid()), 1, i % 7, 0, 0)).ToList();
        foreach (var chunk in points.Chunk(500)) await Index.UpsertAsync(chunk);

        Assert.Equal(4500, await otherProcess.CountAsync());
        var best = await otherProcess.SearchAsync(new float[] { 0, 1, 0, 0 }, PatternSearchFilter.None, 3, 0f);
        Assert.All(best, match => Assert.Equal(6, points.Single(p => p.Payload.PatternId == match.PatternId).Vector.Span[1]));
    }

    [Fact]
    public async Task Vectors_of_another_model_are_refused_clearly()
    {
        await Index.UpsertAsync([Point(Payload(Guid.NewGuid()), 1, 0, 0, 0)]);

        var other = new PostgresPatternIndex(fixture.DataSource, new EmbeddingModel("other-model", 4));
        var error = await Assert.ThrowsAsync<VectorIndexMismatchException>(() => other.EnsureReadyAsync());
        Assert.Contains("test-model/4", error.Message);
    }

    [Fact]
    public async Task A_vector_of_the_wrong_size_is_refused_and_nothing_is_written()
    {
        await Assert.ThrowsAsync<ArgumentException>(() => Index.UpsertAsync(
            [Point(Payload(Guid.NewGuid()), 1, 0, 0, 0), Point(Payload(Guid.NewGuid()), 1, 0, 0)]));

        Assert.Equal(0, await Index.CountAsync());
    }
}

public sealed class PostgresIndexFixture : IAsyncLifetime
{
    public TestDatabase Database { get; private set; } = null!;
    public NpgsqlDataSource DataSource { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Database = await TestDatabase.CreateAsync("vectorindex");
        DataSource = NpgsqlDataSource.Create(Database.ConnectionString);
    }

    public async Task DisposeAsync()
    {
        await DataSource.DisposeAsync();
        await Database.DisposeAsync();
    }
}
