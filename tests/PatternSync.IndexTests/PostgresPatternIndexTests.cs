using Npgsql;
using PatternSync.Core.Embeddings;
using PatternSync.Core.Filters;
using PatternSync.Core.VectorIndex;
using PatternSync.Core.VectorIndex.Postgres;
using PatternSync.Testing;
using static PatternSync.IndexTests.TestPatterns;

namespace PatternSync.IndexTests;

/// <summary>The embedded index on the real PostgreSQL, migrated by the project's migrations.</summary>
public sealed class PostgresPatternIndexTests(PostgresIndexFixture fixture)
    : VectorIndexContractTests, IClassFixture<PostgresIndexFixture>, IAsyncLifetime
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

    protected override async Task<PatternPayload> StoredPayloadAsync(Guid id)
    {
        await using var command = fixture.DataSource.CreateCommand(
            $"SELECT {PayloadColumns.List} FROM pattern_vectors WHERE pattern_id = @id");
        command.Parameters.AddWithValue("id", id);
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        return PayloadColumns.Read(reader, first: 0);
    }

    [Fact]
    public async Task Another_process_sees_the_writes_of_this_one()
    {
        var id = Guid.NewGuid();
        var otherProcess = new PostgresPatternIndex(fixture.DataSource, Model);
        Assert.Equal(0, await otherProcess.CountAsync());

        await Index.UpsertAsync([Point(Payload(id), 1, 0, 0, 0)]);
        var found = await otherProcess.SearchAsync(new float[] { 1, 0, 0, 0 }, PatternFilter.None, 5, 0f);
        Assert.Equal([id], found.Select(m => m.PatternId));

        await Index.SetPayloadAsync([Payload(id, version: 2, status: "archived")]);
        Assert.Equal(1, await otherProcess.CountAsync(new PatternFilter { Statuses = ["archived"] }));

        await Index.DeleteUnconditionallyAsync([id]);
        Assert.Empty(await otherProcess.SearchAsync(new float[] { 1, 0, 0, 0 }, PatternFilter.None, 5, 0f));
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
        var best = await otherProcess.SearchAsync(new float[] { 0, 1, 0, 0 }, PatternFilter.None, 3, 0f);
        Assert.All(best, match => Assert.Equal(6, points.Single(p => p.Payload.PatternId == match.PatternId).Vector.Span[1]));
    }

    [Fact]
    public async Task A_write_that_commits_late_reaches_every_copy()
    {
        Guid early = Guid.NewGuid(), locked = Guid.NewGuid();
        var otherProcess = new PostgresPatternIndex(fixture.DataSource, Model);
        await Index.UpsertAsync([Point(Payload(early), 1, 0, 0, 0), Point(Payload(locked), 1, 0, 0, 0)]);
        Assert.Equal(2, await otherProcess.CountAsync());

        // One batch writes `early` first (drawing its change_seq), then waits on a row lock held elsewhere for 5 s,
        // while later writes commit and the other process keeps reading past them.
        await using var holder = await fixture.DataSource.OpenConnectionAsync();
        await using var transaction = await holder.BeginTransactionAsync();
        const string lockSql = "SELECT 1 FROM pattern_vectors WHERE pattern_id = @id FOR UPDATE";
        await using (var lockRow = new NpgsqlCommand(lockSql, holder, transaction))
        {
            lockRow.Parameters.AddWithValue("id", locked);
            await lockRow.ExecuteScalarAsync();
        }
        var lateBatch = Index.UpsertAsync([Point(Payload(early, version: 2), 0, 1, 0, 0), Point(Payload(locked, version: 2), 0, 1, 0, 0)]);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(5))
        {
            await Index.UpsertAsync([Point(Payload(Guid.NewGuid()), 0, 0, 1, 0)]);
            await otherProcess.CountAsync();
            await Task.Delay(100);
        }
        Assert.False(lateBatch.IsCompleted);
        await transaction.CommitAsync();
        await lateBatch;

        var best = await otherProcess.SearchAsync(new float[] { 0, 1, 0, 0 }, PatternFilter.None, 2, 0.9f);
        Assert.Equal(new[] { early, locked }.Order(), best.Select(m => m.PatternId).Order());
        Assert.All(best, match => Assert.Equal(2, match.Version));
    }

    [Fact]
    public async Task A_copy_never_mixes_in_vectors_of_another_model_or_size()
    {
        var mine = Guid.NewGuid();
        await Index.UpsertAsync([Point(Payload(mine), 1, 0, 0, 0)]);
        var otherModel = new PostgresPatternIndex(fixture.DataSource, new EmbeddingModel("other-model", 8));
        await otherModel.UpsertAsync([Point(Payload(Guid.NewGuid()), 1, 0, 0, 0, 0, 0, 0, 0)]);

        var reader = new PostgresPatternIndex(fixture.DataSource, Model);
        await Assert.ThrowsAsync<VectorIndexMismatchException>(
            () => reader.SearchAsync(new float[] { 1, 0, 0, 0 }, PatternFilter.None, 5, 0f));
        Assert.Equal(1, await reader.CountAsync());

        // Once the other model's point is replaced by this model's (a rebuild), searches answer again.
        await fixture.Database.ExecuteAsync("DELETE FROM pattern_vectors WHERE model <> 'test-model/4'");
        await Index.UpsertAsync([Point(Payload(Guid.NewGuid()), 0, 1, 0, 0)]);
        var fresh = new PostgresPatternIndex(fixture.DataSource, Model);
        Assert.Equal(mine, (await fresh.SearchAsync(new float[] { 1, 0, 0, 0 }, PatternFilter.None, 1, 0f))[0].PatternId);
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
    public async Task A_rebuild_rewrites_points_of_the_same_version_in_place_and_never_an_older_one_over_a_newer()
    {
        Guid same = Guid.NewGuid(), newer = Guid.NewGuid();
        await Index.UpsertAsync([
            Point(Payload(same, version: 2, hash: "old-model"), 1, 0, 0, 0),
            Point(Payload(newer, version: 3, hash: "v3"), 1, 0, 0, 0),
        ]);

        var build = await new PostgresIndexRebuilds(Index).BeginAsync(CancellationToken.None);
        await build.WriteAsync([
            Point(Payload(same, version: 2, hash: "re-embedded"), 0, 1, 0, 0),
            Point(Payload(newer, version: 2, hash: "v2"), 0, 1, 0, 0),
        ], CancellationToken.None);
        await build.CompleteAsync(CancellationToken.None);

        Assert.Equal(new IndexedPoint(same, 2, "re-embedded"), (await Index.GetAsync([same]))[same]);
        Assert.Equal(new[] { 0f, 1, 0, 0 }, await StoredVectorAsync(same));
        Assert.Equal(new IndexedPoint(newer, 3, "v3"), (await Index.GetAsync([newer]))[newer]);
        Assert.Equal(new[] { 1f, 0, 0, 0 }, await StoredVectorAsync(newer));
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
