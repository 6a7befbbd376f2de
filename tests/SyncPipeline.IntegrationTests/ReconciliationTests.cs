extern alias worker;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using PatternSync.Core.Persistence;
using PatternSync.Core.Reconciliation;
using PatternSync.Core.VectorIndex;
using PatternSync.Testing;
using Qdrant.Client.Grpc;
using worker::PatternSync.SyncWorker.Rebuild;
using worker::PatternSync.SyncWorker.Reconciliation;
using worker::PatternSync.SyncWorker.Sync;

namespace SyncPipeline.IntegrationTests;

public abstract class ReconciliationTests(PipelineFixture pipeline)
{
    private readonly HttpClient _client = pipeline.Api.CreateClient();

    [Fact]
    public async Task One_run_repairs_every_kind_of_drift_and_reports_it_and_a_second_finds_none()
    {
        var deleted = await pipeline.CreatePatternAsync(_client, "Reconcile: point deleted behind our back");
        var corrupted = await pipeline.CreatePatternAsync(_client, "Reconcile: payload corrupted");
        var changed = await pipeline.CreatePatternAsync(_client, "Reconcile: row changed without an event");
        await pipeline.ConvergedAsync([deleted, corrupted, changed]);

        await pipeline.Index.DeleteUnconditionallyAsync([deleted]);
        var vector = new float[384];
        vector[0] = 1;
        var held = (await pipeline.Index.GetAsync([corrupted]))[corrupted];
        var corrupt = new PatternPayload(corrupted, "corrupt", held.Version, "archived", [], 0, null, 0, 0, null, "corrupt");
        await pipeline.Index.UpsertAsync([new PatternPoint(corrupt, vector)], replaceSameVersion: true);
        var orphan = Guid.NewGuid();
        var orphaned = new PatternPayload(orphan, "caching", 1, "active", [], 0, null, 0, 0, null, "orphan");
        await pipeline.Index.UpsertAsync([new PatternPoint(orphaned, vector)]);
        // A change whose event was lost two minutes ago: older than the grace period, so it is drift, not in flight.
        await pipeline.Database.ExecuteAsync(
            "UPDATE success_patterns SET status = 'deprecated', version = version + 1, updated_at = now() - interval '2 minutes' "
            + $"WHERE pattern_id = '{changed}'");

        var first = await ReconcileAsync();
        Assert.Equal("succeeded", first["status"]!.GetValue<string>());
        Assert.True(first["missing"]!.GetValue<int>() >= 1, first.ToJsonString());
        Assert.True(first["stale_payload"]!.GetValue<int>() >= 1, first.ToJsonString());
        Assert.True(first["stale_version"]!.GetValue<int>() >= 1, first.ToJsonString());
        Assert.True(first["orphans"]!.GetValue<int>() >= 1, first.ToJsonString());
        Assert.True(first["repaired"]!.GetValue<int>() >= 4, first.ToJsonString());
        Assert.Equal(0, first["failed"]!.GetValue<int>());
        Assert.Equal(0, first["wrong_dimension"]!.GetValue<int>());

        await pipeline.ConvergedAsync([deleted, corrupted, changed, orphan]);
        Assert.Equal("deprecated", (await pipeline.StoredPointAsync(changed))!.Value.Payload.Status);
        Assert.Equal("caching", (await pipeline.StoredPointAsync(corrupted))!.Value.Payload.PatternType);

        var second = await ReconcileAsync();
        foreach (var kind in new[] { "missing", "stale_version", "stale_payload", "orphans", "wrong_dimension" })
            Assert.True(second[kind]!.GetValue<int>() == 0, $"{kind} after repair: {second.ToJsonString()}");
    }

    [Fact]
    public async Task A_change_still_in_flight_is_not_counted_as_drift()
    {
        var id = await pipeline.CreatePatternAsync(_client, "Reconcile: change in flight");
        await pipeline.ConvergedAsync([id]);
        await pipeline.Database.ExecuteAsync(
            $"UPDATE success_patterns SET version = version + 1, updated_at = now() WHERE pattern_id = '{id}'");

        var run = await ReconcileAsync();

        Assert.True(run["in_flight"]!.GetValue<int>() >= 1, run.ToJsonString());
        Assert.Equal(0, run["stale_version"]!.GetValue<int>());

        // Once older than the grace period, the same change is drift, and the next run repairs it.
        await pipeline.Database.ExecuteAsync(
            $"UPDATE success_patterns SET updated_at = now() - interval '2 minutes' WHERE pattern_id = '{id}'");
        var later = await ReconcileAsync();
        Assert.True(later["stale_version"]!.GetValue<int>() >= 1, later.ToJsonString());
        await pipeline.ConvergedAsync([id]);
    }

    [Fact]
    public async Task The_status_shows_the_lag_while_a_change_is_not_indexed_and_none_once_it_is()
    {
        var id = await pipeline.CreatePatternAsync(_client, "Status: lag while not indexed");
        await pipeline.ConvergedAsync([id]);
        await pipeline.Database.ExecuteAsync(
            $"UPDATE success_patterns SET version = version + 1, updated_at = now() - interval '2 minutes' WHERE pattern_id = '{id}'");

        var behind = await _client.GetFromJsonAsync<JsonObject>("/api/v1/sync/status");
        Assert.True(behind!["sync_lag_seconds"]!.GetValue<double>() >= 120, behind.ToJsonString());
        Assert.True(behind["patterns_not_indexed"]!.GetValue<long>() >= 1);
        Assert.Equal("all-MiniLM-L6-v2", behind["index"]!["embedding_model"]!.GetValue<string>());

        await ReconcileAsync();
        var caughtUp = await Eventually.ValueAsync(() => _client.GetFromJsonAsync<JsonObject>("/api/v1/sync/status"),
            s => s!["patterns_not_indexed"]!.GetValue<long>() == 0, PipelineFixture.Settle, "no pattern left unindexed");
        Assert.Equal(caughtUp!["patterns"]!.GetValue<long>(), caughtUp["index"]!["points_count"]!.GetValue<long>());
        Assert.Equal(384, caughtUp["index"]!["vector_size"]!.GetValue<int>());
        Assert.NotNull(caughtUp["last_reconciliation"]);
        var metrics = await _client.GetStringAsync("/metrics");
        Assert.Contains("pattern_sync_lag_seconds 0", metrics);
        Assert.Contains("pattern_outbox_backlog", metrics);
    }

    [Fact]
    public async Task An_index_of_another_vector_size_or_model_is_rebuilt_for_the_configured_embedder()
    {
        var id = await pipeline.CreatePatternAsync(_client, "Reconcile: index of another model");
        await pipeline.ConvergedAsync([id]);
        await ReconcileAsync(); // the index's model, in use, becomes its target
        await MakeIndexOfAnotherModelAsync();
        // As after a change of embedder: a worker that starts now finds the index it cannot write to.
        await pipeline.Worker.DisposeAsync();
        pipeline.Worker = new WorkerHost(pipeline, TimeSpan.Zero).Start();

        var run = await ReconcileAsync();

        Assert.True(run["status"]!.GetValue<string>() == "succeeded", run.ToJsonString());
        Assert.Equal(1, run["wrong_dimension"]!.GetValue<int>());
        Assert.True(run["repaired"]!.GetValue<int>() >= 1, run.ToJsonString());
        await pipeline.ConvergedAsync([id]);
        Assert.Equal(384, (await pipeline.Index.GetInfoAsync()).VectorSize);
        var second = await ReconcileAsync();
        Assert.Equal("succeeded", second["status"]!.GetValue<string>());
        Assert.Equal(0, second["wrong_dimension"]!.GetValue<int>());
    }

    [Fact]
    public async Task A_worker_of_another_model_than_the_target_reports_the_mismatch_and_leaves_the_index_alone()
    {
        var id = await pipeline.CreatePatternAsync(_client, "Reconcile: a worker still on the old model");
        await pipeline.ConvergedAsync([id]);
        await ReconcileAsync(); // the index's model, in use, becomes its target
        await pipeline.Worker.DisposeAsync();

        JsonObject run;
        await using (var oldModel = new WorkerHost(pipeline, TimeSpan.Zero, new OtherModelEmbedder()).Start())
        {
            run = await ReconcileAsync();
            Assert.Contains("pattern_index_model_mismatch 1", await oldModel.CreateClient().GetStringAsync("/metrics"));
        }
        pipeline.Worker = new WorkerHost(pipeline, TimeSpan.Zero).Start();

        Assert.Equal("failed", run["status"]!.GetValue<string>());
        Assert.Equal(1, run["wrong_dimension"]!.GetValue<int>());
        Assert.Contains("other-model/8", run["error"]!.GetValue<string>());
        var status = await _client.GetFromJsonAsync<JsonObject>("/api/v1/sync/status");
        Assert.Equal("all-MiniLM-L6-v2/384", status!["index"]!["target_model"]!.GetValue<string>());
        Assert.Equal(384, (await pipeline.Index.GetInfoAsync()).VectorSize);
        await pipeline.ConvergedAsync([id]);
        Assert.Equal("succeeded", (await ReconcileAsync())["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task Drift_that_a_change_during_the_scan_explains_is_not_reported()
    {
        var updated = await pipeline.CreatePatternAsync(_client, "Reconcile: updated while the index is scanned");
        var deleted = await pipeline.CreatePatternAsync(_client, "Reconcile: deleted while the index is scanned");
        await pipeline.ConvergedAsync([updated, deleted]);
        var index = new IndexWithHooks(pipeline.Index)
        {
            AfterScroll = async () =>
            {
                await PipelineFixture.PatchAsync(_client, updated, """{"status":"deprecated"}""");
                Assert.Equal(HttpStatusCode.NoContent, (await _client.DeleteAsync($"/api/v1/patterns/{deleted}")).StatusCode);
                await pipeline.ConvergedAsync([updated, deleted]);
            },
        };

        var run = await RunReconcilerAsync(index, pipeline.Embedder);

        Assert.Equal("succeeded", run.Status);
        Assert.Equal((0, 0, 0, 0), (run.Missing, run.StaleVersion, run.StalePayload, run.Orphans));
    }

    [Fact]
    public async Task One_pattern_that_cannot_be_repaired_does_not_keep_the_others_of_its_batch_broken()
    {
        var good = new[] { await pipeline.CreatePatternAsync(_client, "Reconcile: a neighbour of the poison"),
            await pipeline.CreatePatternAsync(_client, "Reconcile: another neighbour of the poison") };
        var poison = await pipeline.CreatePatternAsync(_client, "Reconcile: POISON text the embedder rejects");
        await pipeline.ConvergedAsync([.. good, poison]);
        await pipeline.Index.DeleteUnconditionallyAsync([.. good, poison]);

        var run = await RunReconcilerAsync(pipeline.Index, new PoisonTextEmbedder(pipeline.Embedder, "POISON"));

        Assert.Equal("failed", run.Status);
        Assert.Equal(1, run.Failed);
        Assert.Contains(poison.ToString(), run.Error);
        Assert.Equal(good.Order(), (await pipeline.Index.GetAsync([.. good, poison])).Keys.Order());
        await pipeline.ConvergedAsync(good);
    }

    [Fact]
    public async Task Repairs_are_embedded_in_batches_of_the_configured_size()
    {
        var ids = new List<Guid>();
        for (var i = 0; i < 3; i++) ids.Add(await pipeline.CreatePatternAsync(_client, $"Reconcile: batch member {i}"));
        await pipeline.ConvergedAsync(ids);
        await pipeline.Index.DeleteUnconditionallyAsync(ids);
        var embedder = new BatchSizeRecorder(pipeline.Embedder);

        var run = await RunReconcilerAsync(pipeline.Index, embedder, new ReconciliationOptions { RepairBatchSize = 2 });

        Assert.Equal("succeeded", run.Status);
        Assert.All(embedder.Batches, size => Assert.InRange(size, 1, 2));
        Assert.Contains(2, embedder.Batches);
        await pipeline.ConvergedAsync(ids);
    }

    [Fact]
    public async Task A_run_whose_error_is_longer_than_its_column_is_saved_as_failed_with_the_error_cut_short()
    {
        // 3000 characters, with a surrogate pair across the column's 2000-character limit.
        var message = new string('e', 1999) + string.Concat(Enumerable.Repeat("\U0001F600", 500)) + "!";
        var index = new IndexWithHooks(pipeline.Index) { AfterScroll = () => throw new InvalidOperationException(message) };

        var run = await RunReconcilerAsync(index, pipeline.Embedder);

        await using var db = pipeline.Database.CreateDbContext();
        var saved = await db.ReconciliationRuns.AsNoTracking().SingleAsync(r => r.Id == run.Id);
        Assert.Equal("failed", saved.Status);
        Assert.NotNull(saved.FinishedAt);
        Assert.StartsWith(new string('e', 1999), saved.Error);
        Assert.InRange(saved.Error!.Length, 1999, 2000);
    }

    [Fact]
    public async Task A_run_cancelled_by_a_stopping_worker_is_saved_as_failed_not_left_running()
    {
        using var stopping = new CancellationTokenSource();
        var index = new IndexWithHooks(pipeline.Index)
        {
            AfterScroll = () =>
            {
                stopping.Cancel();
                stopping.Token.ThrowIfCancellationRequested();
                return Task.CompletedTask;
            },
        };
        await using var db = pipeline.Database.CreateDbContext();
        var before = await db.ReconciliationRuns.MaxAsync(r => (long?)r.Id) ?? 0;

        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => RunReconcilerAsync(index, pipeline.Embedder, cancellationToken: stopping.Token));

        var saved = await db.ReconciliationRuns.AsNoTracking().SingleAsync(r => r.Id > before);
        Assert.Equal("failed", saved.Status);
        Assert.NotNull(saved.FinishedAt);
        Assert.StartsWith("Cancelled", saved.Error);
    }

    /// <summary>Runs a reconciler of the worker's parts, on this index and embedder.</summary>
    private async Task<ReconciliationRun> RunReconcilerAsync(IPatternVectorIndex index,
        Microsoft.Extensions.AI.IEmbeddingGenerator<string, Microsoft.Extensions.AI.Embedding<float>> embedder,
        ReconciliationOptions? options = null, CancellationToken cancellationToken = default)
    {
        await using var scope = pipeline.Worker.Services.CreateAsyncScope();
        var services = scope.ServiceProvider;
        var db = services.GetRequiredService<PatternDbContext>();
        var dataSource = services.GetRequiredService<NpgsqlDataSource>();
        var synchronizer = new PatternSynchronizer(
            db, dataSource, index, embedder, services.GetRequiredService<ILogger<PatternSynchronizer>>());
        var reconciler = new Reconciler(db, dataSource, index, synchronizer, services.GetRequiredService<IndexRebuilder>(),
            services.GetRequiredService<IndexModelTarget>(),
            options is null ? services.GetRequiredService<IOptions<ReconciliationOptions>>() : Options.Create(options), TimeProvider.System,
            services.GetRequiredService<ILogger<Reconciler>>());
        return await reconciler.RunAsync("request", cancellationToken);
    }

    /// <summary>Leaves the index holding vectors of another model, as a change of embedder does.</summary>
    protected abstract Task MakeIndexOfAnotherModelAsync();

    /// <summary>Asks the API for a run (the worker runs it through Quartz) and waits for its report.</summary>
    private async Task<JsonObject> ReconcileAsync()
    {
        var before = await LatestRunIdAsync();
        Assert.Equal(HttpStatusCode.Accepted, (await _client.PostAsync("/api/v1/sync/reconcile", JsonContent.Create(new { }))).StatusCode);
        var finished = await Eventually.ValueAsync(async () =>
            {
                var runs = await _client.GetFromJsonAsync<JsonArray>("/api/v1/sync/reconciliations?limit=1");
                return runs!.Count == 0 ? null : runs[0]!.AsObject();
            },
            run => run is not null && run["id"]!.GetValue<long>() > before && run["status"]!.GetValue<string>() != "running"
                   && run["trigger"]!.GetValue<string>() == "request",
            PipelineFixture.Settle, "a requested reconciliation to finish");
        return finished!;
    }

    private async Task<long> LatestRunIdAsync()
    {
        var runs = await _client.GetFromJsonAsync<JsonArray>("/api/v1/sync/reconciliations?limit=1");
        return runs!.Count == 0 ? 0 : runs[0]!["id"]!.GetValue<long>();
    }
}

[Collection(QdrantPipeline.Name)]
public sealed class ReconciliationTestsOnQdrant(QdrantPipelineFixture pipeline) : ReconciliationTests(pipeline)
{
    /// <summary>The alias now names an empty collection of 8-dimensional vectors; the old one is gone.</summary>
    protected override async Task MakeIndexOfAnotherModelAsync()
    {
        var other = $"{pipeline.Alias}-other-model-8";
        await pipeline.Qdrant.Client.CreateCollectionAsync(other, new VectorParams { Size = 8, Distance = Distance.Cosine });
        await pipeline.QdrantCollections.SwitchAliasAsync(other, dropPrevious: true);
    }
}

[Collection(PostgresPipeline.Name)]
public sealed class ReconciliationTestsOnEmbeddedIndex(PostgresPipelineFixture pipeline) : ReconciliationTests(pipeline)
{
    protected override Task MakeIndexOfAnotherModelAsync() =>
        pipeline.Database.ExecuteAsync("UPDATE pattern_vectors SET model = 'text-embedding-3-small/1536' WHERE NOT deleted");
}
