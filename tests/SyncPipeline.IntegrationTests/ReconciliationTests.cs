using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using PatternSync.Core.VectorIndex;
using PatternSync.Core.VectorIndex.Qdrant;
using PatternSync.Testing;
using Qdrant.Client.Grpc;

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
        await pipeline.Index.UpsertAsync([new PatternPoint(new PatternPayload(corrupted, "corrupt", held.Version, "archived", [], 0, null, 0, 0, null, "corrupt"), vector)], replaceSameVersion: true);
        var orphan = Guid.NewGuid();
        await pipeline.Index.UpsertAsync([new PatternPoint(new PatternPayload(orphan, "caching", 1, "active", [], 0, null, 0, 0, null, "orphan"), vector)]);
        // A change whose event was lost two minutes ago: older than the grace period, so it is drift, not in flight.
        await pipeline.Database.ExecuteAsync(
            $"UPDATE success_patterns SET status = 'deprecated', version = version + 1, updated_at = now() - interval '2 minutes' WHERE pattern_id = '{changed}'");

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
        await pipeline.Database.ExecuteAsync($"UPDATE success_patterns SET version = version + 1, updated_at = now() WHERE pattern_id = '{id}'");

        var run = await ReconcileAsync();

        Assert.True(run["in_flight"]!.GetValue<int>() >= 1, run.ToJsonString());
        Assert.Equal(0, run["stale_version"]!.GetValue<int>());

        // Once older than the grace period, the same change is drift, and the next run repairs it.
        await pipeline.Database.ExecuteAsync($"UPDATE success_patterns SET updated_at = now() - interval '2 minutes' WHERE pattern_id = '{id}'");
        var later = await ReconcileAsync();
        Assert.True(later["stale_version"]!.GetValue<int>() >= 1, later.ToJsonString());
        await pipeline.ConvergedAsync([id]);
    }

    [Fact]
    public async Task The_status_shows_the_lag_while_a_change_is_not_indexed_and_none_once_it_is()
    {
        var id = await pipeline.CreatePatternAsync(_client, "Status: lag while not indexed");
        await pipeline.ConvergedAsync([id]);
        await pipeline.Database.ExecuteAsync($"UPDATE success_patterns SET version = version + 1, updated_at = now() - interval '2 minutes' WHERE pattern_id = '{id}'");

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
        await ((QdrantPatternIndex)pipeline.Index).SwitchAliasAsync(other, dropPrevious: true);
    }
}

[Collection(PostgresPipeline.Name)]
public sealed class ReconciliationTestsOnEmbeddedIndex(PostgresPipelineFixture pipeline) : ReconciliationTests(pipeline)
{
    protected override Task MakeIndexOfAnotherModelAsync() =>
        pipeline.Database.ExecuteAsync("UPDATE pattern_vectors SET model = 'text-embedding-3-small/1536' WHERE NOT deleted");
}
