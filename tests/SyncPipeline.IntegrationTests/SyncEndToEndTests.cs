extern alias worker;
using MassTransit;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using PatternSync.Contracts;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Npgsql;
using PatternSync.Core.Patterns;
using PatternSync.Core.Persistence;
using PatternSync.Core.VectorIndex;
using PatternSync.Testing;
using worker::PatternSync.SyncWorker.Sync;

namespace SyncPipeline.IntegrationTests;

public abstract class SyncEndToEndTests(PipelineFixture pipeline)
{
    private readonly HttpClient _client = pipeline.Api.CreateClient();

    [Fact]
    public async Task A_created_pattern_reaches_the_index_with_its_payload_and_the_embedding_of_its_text()
    {
        var id = await pipeline.CreatePatternAsync(_client, "Cache-aside with jittered TTL");

        await pipeline.ConvergedAsync([id]);

        var (vector, payload) = (await pipeline.StoredPointAsync(id))!.Value;
        Assert.Equal("caching", payload.PatternType);
        Assert.Equal(1, payload.Version);
        Assert.Equal(["redis", "caching"], payload.Tags);
        Assert.Equal(0.925, payload.QualityScore, 6);
        await using var db = pipeline.Database.CreateDbContext();
        var row = await db.Patterns.FindAsync(id);
        var expected = await pipeline.Embedder.GenerateAsync(PatternEmbeddingText.Compose(row!));
        Assert.Equal(expected.Vector.ToArray(), vector, new ToleranceComparer(1e-5f));
        Assert.NotNull(row!.IndexedAt);

        var metrics = await pipeline.Worker.CreateClient().GetStringAsync("/metrics");
        Assert.Contains("pattern_sync_events_total{event=\"PatternCreated\",result=\"success\"}", metrics);
        Assert.Contains("pattern_embedding_batch_size_count", metrics);
        Assert.Contains("pattern_embedding_duration_seconds_bucket", metrics);
    }

    [Fact]
    public async Task A_text_change_is_re_embedded_and_a_status_change_updates_the_payload_only()
    {
        var id = await pipeline.CreatePatternAsync(_client, "Request coalescing for hot keys");
        await pipeline.ConvergedAsync([id]);
        var before = await VectorOf(id);

        var embeddedBefore = CountingEmbeddingGenerator.Texts;
        await PipelineFixture.PatchAsync(_client, id, """{"status": "deprecated", "performance_data": {"hit_ratio": 0.97}}""");
        await pipeline.ConvergedAsync([id]);
        Assert.Equal(embeddedBefore, CountingEmbeddingGenerator.Texts);
        Assert.Equal(before, await VectorOf(id));
        Assert.Equal("deprecated", (await pipeline.StoredPointAsync(id))!.Value.Payload.Status);

        await PipelineFixture.PatchAsync(_client, id,
            """{"description": "Collapse concurrent misses for one key into a single backend call (singleflight)."}""");
        await pipeline.ConvergedAsync([id]);
        Assert.True(CountingEmbeddingGenerator.Texts > embeddedBefore);
        Assert.NotEqual(before, await VectorOf(id));
    }

    [Fact]
    public async Task A_deleted_pattern_leaves_the_index()
    {
        var id = await pipeline.CreatePatternAsync(_client, "Negative caching of 404s");
        await pipeline.ConvergedAsync([id]);

        (await _client.DeleteAsync($"/api/v1/patterns/{id}")).EnsureSuccessStatusCode();

        await pipeline.ConvergedAsync([id]);
        Assert.Empty(await pipeline.Index.GetAsync([id]));
    }

    [Fact]
    public async Task Duplicate_and_out_of_order_events_leave_the_newest_state_and_embed_nothing_more()
    {
        var id = await pipeline.CreatePatternAsync(_client, "Write-through session cache");
        await PipelineFixture.PatchAsync(_client, id, """{"name": "Write-through session cache v2"}""");
        await PipelineFixture.PatchAsync(_client, id, """{"name": "Write-through session cache v3"}""");
        await pipeline.ConvergedAsync([id]);
        var embedded = CountingEmbeddingGenerator.Texts;

        // Replay old versions, twice, newest first: as a redelivering broker or a second relay would.
        var bus = pipeline.Api.Services.GetRequiredService<IBus>();
        var marker = await pipeline.CreatePatternAsync(_client, "Marker pattern published after the replays");
        foreach (var version in new[] { 2, 1, 2, 1 })
            await bus.Publish(new PatternUpdated
            {
                PatternId = id, Version = version, PatternType = "caching", Name = "stale", Tags = [], Status = "active",
                OccurredAt = DateTimeOffset.UtcNow, ChangedFields = ["name"],
            });
        await bus.Publish(new PatternCreated
        {
            PatternId = id, Version = 1, PatternType = "caching", Name = "stale", Tags = [], Status = "active",
            OccurredAt = DateTimeOffset.UtcNow,
        });
        await pipeline.ConvergedAsync([id, marker]);

        var held = (await pipeline.Index.GetAsync([id]))[id];
        Assert.Equal(3, held.Version);
        Assert.Equal(embedded + 1, CountingEmbeddingGenerator.Texts); // the marker only
    }

    [Fact]
    public async Task A_text_that_came_back_while_another_worker_wrote_a_different_text_is_embedded_again()
    {
        // This worker compared the point at version 1 (text A) with the row at version 3 (text A again), so a
        // payload-only write looked enough; meanwhile another worker synced version 2, whose text was B.
        var id = await pipeline.CreatePatternAsync(_client, "Circuit breaker around a flaky payment provider");
        await pipeline.ConvergedAsync([id]);
        await using var scope = pipeline.Worker.Services.CreateAsyncScope();
        var services = scope.ServiceProvider;
        var db = services.GetRequiredService<PatternDbContext>();
        // No event: only this test syncs it.
        await db.Database.ExecuteSqlAsync($"UPDATE success_patterns SET version = 3 WHERE pattern_id = {id}");
        var row = await db.Patterns.AsNoTracking().SingleAsync(p => p.PatternId == id);
        var textB = await pipeline.Embedder.GenerateAsync("Bake a chocolate cake with a ganache glaze");
        var syncedByAnother = PatternPayload.From(row) with { Version = 2, ContentHash = "text-b" };
        await pipeline.Index.UpsertAsync([new PatternPoint(syncedByAnother, textB.Vector)]);
        var comparedEarlier = new IndexWithHooks(pipeline.Index)
        {
            NextGet = new Dictionary<Guid, IndexedPoint> { [id] = new(id, 1, row.ContentHash) },
        };

        await new PatternSynchronizer(db, services.GetRequiredService<NpgsqlDataSource>(), comparedEarlier, pipeline.Embedder,
            services.GetRequiredService<ILogger<PatternSynchronizer>>()).SyncAsync([id], CancellationToken.None);

        var (vector, payload) = (await pipeline.StoredPointAsync(id))!.Value;
        Assert.Equal((3, row.ContentHash), (payload.Version, payload.ContentHash));
        var textA = await pipeline.Embedder.GenerateAsync(PatternEmbeddingText.Compose(row));
        Assert.Equal(textA.Vector.ToArray(), vector, new ToleranceComparer(1e-5f));
    }

    private async Task<float[]> VectorOf(Guid id) => (await pipeline.StoredPointAsync(id))!.Value.Vector;

    private sealed class ToleranceComparer(float tolerance) : IEqualityComparer<float>
    {
        public bool Equals(float x, float y) => Math.Abs(x - y) <= tolerance;
        public int GetHashCode(float obj) => 0;
    }
}

[Collection(QdrantPipeline.Name)]
public sealed class SyncEndToEndTestsOnQdrant(QdrantPipelineFixture pipeline) : SyncEndToEndTests(pipeline);

[Collection(PostgresPipeline.Name)]
public sealed class SyncEndToEndTestsOnEmbeddedIndex(PostgresPipelineFixture pipeline) : SyncEndToEndTests(pipeline);
