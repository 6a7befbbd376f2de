using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;
using PatternSync.Contracts;
using PatternSync.Core.Embeddings;
using PatternSync.Core.Filters;
using PatternSync.Core.Matching;
using PatternSync.Core.Observability;
using PatternSync.PatternApi.Matching;
using PatternSync.Testing;

namespace PatternApi.FunctionalTests;

/// <summary>The API without the match-record writer: a recorded match stays pending until a test stores it itself.</summary>
public sealed class UnwrittenMatchRecordsFixture : PatternApiFixture
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(services => services.Remove(
            services.Single(s => s.ServiceType == typeof(IHostedService) && s.ImplementationType == typeof(MatchRecordWriter))));
    }
}

/// <summary>An outcome naming a match: checked against the match's record, queued or stored, and given its query embedding.</summary>
public sealed class MatchRecordOutcomeTests(UnwrittenMatchRecordsFixture api) : IClassFixture<UnwrittenMatchRecordsFixture>, IAsyncLifetime
{
    private readonly HttpClient _client = api.CreateClient();
    private readonly float[] _queryEmbedding = [0.25f, -0.5f, 0.75f];

    public Task InitializeAsync() => api.Database.ResetAsync();
    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task An_outcome_sent_while_its_match_record_is_still_queued_gets_the_match_embedding_and_replays()
    {
        var id = await CreateAsync();
        var matchId = Recorded(id);

        var first = await PostAsync(id, matchId, idempotencyKey: "queued-match");
        var retry = await PostAsync(id, matchId, idempotencyKey: "queued-match");

        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK), (first.StatusCode, retry.StatusCode));
        Assert.Equal("true", retry.Headers.GetValues("Idempotent-Replayed").Single());
        await using var db = api.Database.CreateDbContext();
        Assert.False(await db.MatchRecords.AnyAsync(r => r.MatchId == matchId));
        var outcome = await db.Outcomes.AsNoTracking().SingleAsync(o => o.PatternId == id);
        Assert.Equal((matchId, ModelKey), (outcome.MatchId, outcome.EmbeddingModel));
        Assert.Equal(_queryEmbedding, outcome.QueryEmbedding);
    }

    [Fact]
    public async Task An_outcome_naming_a_stored_match_that_returned_the_pattern_gets_its_embedding()
    {
        var id = await CreateAsync();
        var other = await CreateAsync("Other");
        var matchId = await StoredAsync(other, id);

        Assert.Equal(HttpStatusCode.OK, (await PostAsync(id, matchId)).StatusCode);

        await using var db = api.Database.CreateDbContext();
        var outcome = await db.Outcomes.AsNoTracking().SingleAsync(o => o.PatternId == id);
        Assert.Equal((matchId, "stored/3"), (outcome.MatchId, outcome.EmbeddingModel));
        Assert.Equal(_queryEmbedding, outcome.QueryEmbedding);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task An_outcome_naming_a_match_that_did_not_return_the_pattern_is_a_422_naming_match_id_and_writes_nothing(bool stored)
    {
        var id = await CreateAsync();
        var returned = await CreateAsync("Returned");
        var matchId = stored ? await StoredAsync(returned) : Recorded(returned);

        var response = await PostAsync(id, matchId);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var problem = await response.ReadJsonAsync();
        var error = Assert.Single(problem["errors"]!.AsObject());
        Assert.Equal("match_id", error.Key);
        Assert.Equal($"match {matchId} did not return pattern {id}.", error.Value![0]!.GetValue<string>());
        await using var db = api.Database.CreateDbContext();
        var pattern = await db.Patterns.AsNoTracking().SingleAsync(p => p.PatternId == id);
        Assert.Equal((0, 1), (pattern.MatchCount, pattern.Version));
        Assert.False(await db.Outcomes.AnyAsync());
        Assert.False(await db.OutboxMessages.AnyAsync(m => m.MessageType == nameof(PatternOutcomeRecorded)));
    }

    [Fact]
    public async Task An_unknown_pattern_is_a_404_before_its_match_is_checked()
    {
        var matchId = Recorded(await CreateAsync());

        Assert.Equal(HttpStatusCode.NotFound, (await PostAsync(Guid.NewGuid(), matchId)).StatusCode);
    }

    [Fact]
    public async Task An_unknown_match_counts_pattern_wide_with_its_match_id_and_no_embedding()
    {
        var id = await CreateAsync();
        var matchId = Guid.NewGuid();

        Assert.Equal(HttpStatusCode.OK, (await PostAsync(id, matchId)).StatusCode);

        await using var db = api.Database.CreateDbContext();
        Assert.Equal(1, (await db.Patterns.AsNoTracking().SingleAsync(p => p.PatternId == id)).MatchCount);
        var outcome = await db.Outcomes.AsNoTracking().SingleAsync(o => o.PatternId == id);
        Assert.Equal((matchId, null, null), (outcome.MatchId, outcome.QueryEmbedding, outcome.EmbeddingModel));
    }

    [Fact]
    public async Task Match_records_older_than_the_retention_are_pruned_and_younger_ones_kept()
    {
        var id = await CreateAsync();
        var (old, young) = (await StoredAsync(id), await StoredAsync(id));
        await api.Database.ExecuteAsync(
            $"UPDATE match_records SET created_at = now() - interval '30 days 1 minute' WHERE match_id = '{old}'");
        await api.Database.ExecuteAsync($"UPDATE match_records SET created_at = now() - interval '29 days' WHERE match_id = '{young}'");

        Assert.Equal(1, await api.Services.GetRequiredService<MatchRecordPruner>().PruneAsync(CancellationToken.None));

        await using var db = api.Database.CreateDbContext();
        Assert.Equal([young], await db.MatchRecords.Select(r => r.MatchId).ToListAsync());
    }

    private string ModelKey => api.Services.GetRequiredService<EmbeddingModel>().Key;

    /// <summary>Records a match that returned <paramref name="patternIds"/>, as the matcher does; no writer takes it.</summary>
    private Guid Recorded(params Guid[] patternIds)
    {
        var response = new MatchResponse(
            [.. patternIds.Select(p => new MatchedPattern(p, "caching", "n", "d", 0.8, new MatchedPatternMetadata(1, null, null, 0), [],
                new ScoreDetails(0.8, null, 0.8, 0.5, 0, 0.4)))],
            patternIds.Length, new QueryMetadata(1, "test"), Guid.CreateVersion7());
        var request = new MatchRequest("intent", null, [], PatternFilter.None, 10, 0.3f);
        api.Services.GetRequiredService<MatchRecorder>().Record(request, _queryEmbedding, response);
        return response.MatchId;
    }

    /// <summary>A match record in the table, as the writer leaves it.</summary>
    private async Task<Guid> StoredAsync(params Guid[] patternIds)
    {
        await using var db = api.Database.CreateDbContext();
        var record = new MatchRecord
        {
            MatchId = Guid.CreateVersion7(), CreatedAt = DateTimeOffset.UtcNow, EmbeddingModel = "stored/3",
            QueryEmbedding = _queryEmbedding,
            Ranking = "learned", PatternIds = patternIds, Similarities = [.. patternIds.Select(_ => 0.8f)],
            RankScores = [.. patternIds.Select(_ => 0.4f)],
        };
        db.MatchRecords.Add(record);
        await db.SaveChangesAsync();
        return record.MatchId;
    }

    private async Task<Guid> CreateAsync(string name = "Cached reads") =>
        (await _client.CreateAsync(PatternBodies.Example(name)))["pattern_id"]!.GetValue<Guid>();

    private Task<HttpResponseMessage> PostAsync(Guid id, Guid matchId, string? idempotencyKey = null)
    {
        var body = new JsonObject { ["success"] = true, ["match_id"] = matchId.ToString() };
        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/patterns/{id}/outcomes") { Content = PatternRequests.Json(body) };
        if (idempotencyKey is not null) request.Headers.TryAddWithoutValidation("Idempotency-Key", idempotencyKey);
        return _client.SendAsync(request);
    }
}

/// <summary>The writer on its own: what is queued at shutdown is written; a batch the database refuses is dropped and counted.</summary>
public sealed class MatchRecordWriterTests(UnwrittenMatchRecordsFixture api) : IClassFixture<UnwrittenMatchRecordsFixture>
{
    [Fact]
    public async Task Records_queued_when_the_writer_stops_are_written_in_batches_and_no_longer_pending()
    {
        var recorder = NewRecorder();
        var writer = NewWriter(recorder, api.Services.GetRequiredService<NpgsqlDataSource>());
        await writer.StartAsync(CancellationToken.None);
        var first = Record(recorder);
        await Eventually.UntilAsync(async () => await CountAsync([first]) == 1, TimeSpan.FromSeconds(30), "the writer to run");

        // More than two batches, most of them still queued when the stop comes.
        var ids = Enumerable.Range(0, 2 * MatchRecordWriter.BatchSize + 1).Select(_ => Record(recorder)).ToList();
        await writer.StopAsync(CancellationToken.None);

        Assert.Equal(ids.Count, await CountAsync(ids));
        await using var db = api.Database.CreateDbContext();
        await db.MatchRecords.Where(r => ids.Contains(r.MatchId)).ExecuteDeleteAsync();
        Assert.Null(await recorder.FindAsync(db, ids[^1], CancellationToken.None));
    }

    [Fact]
    public async Task A_batch_the_database_refuses_is_retried_then_dropped_and_counted()
    {
        var failed = PatternMetrics.MatchRecordsDropped.WithLabels("write_failed");
        var before = failed.Value;
        var recorder = NewRecorder();
        await using var unreachable = NpgsqlDataSource.Create("Host=127.0.0.1;Port=1;Username=none;Timeout=1");
        var writer = NewWriter(recorder, unreachable);

        await writer.StartAsync(CancellationToken.None);
        var id = Record(recorder);
        await Eventually.UntilAsync(() => Task.FromResult(failed.Value == before + 1), TimeSpan.FromSeconds(30), "the dropped batch");
        await writer.StopAsync(CancellationToken.None);

        await using var db = api.Database.CreateDbContext();
        Assert.Null(await recorder.FindAsync(db, id, CancellationToken.None));
    }

    private async Task<int> CountAsync(List<Guid> ids)
    {
        await using var db = api.Database.CreateDbContext();
        return await db.MatchRecords.CountAsync(r => ids.Contains(r.MatchId));
    }

    private MatchRecorder NewRecorder() =>
        new(Options.Create(new MatchingOptions()), api.Services.GetRequiredService<EmbeddingModel>(), TimeProvider.System);

    private static MatchRecordWriter NewWriter(MatchRecorder recorder, NpgsqlDataSource dataSource) =>
        new(recorder, dataSource, TimeProvider.System, NullLogger<MatchRecordWriter>.Instance);

    private static Guid Record(MatchRecorder recorder)
    {
        var response = new MatchResponse([], 0, new QueryMetadata(1, "test"), Guid.CreateVersion7());
        recorder.Record(new MatchRequest("intent", null, [], PatternFilter.None, 10, 0.3f), new float[] { 1, 0, 0 }, response);
        return response.MatchId;
    }
}
