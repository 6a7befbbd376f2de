extern alias worker;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PatternSync.Core.VectorIndex.Qdrant;
using PatternSync.Testing;
using Qdrant.Client.Grpc;
using worker::PatternSync.SyncWorker.Rebuild;

namespace SyncPipeline.IntegrationTests;

/// <summary>A rebuild into a new Qdrant collection while writes and matches go on.</summary>
[Collection(QdrantPipeline.Name)]
public sealed class ReindexTests(QdrantPipelineFixture pipeline)
{
    private readonly HttpClient _client = pipeline.Api.CreateClient();
    private QdrantCollections Collections => pipeline.QdrantCollections;

    [Fact]
    public async Task A_rebuild_switches_to_a_new_collection_without_a_failed_match_or_a_lost_change()
    {
        var ids = new List<Guid>();
        for (var i = 0; i < 12; i++) ids.Add(await pipeline.CreatePatternAsync(_client, $"Reindex: pattern {i}"));
        await pipeline.ConvergedAsync(ids);
        var index = pipeline.Index;
        var before = (await index.GetInfoAsync()).Collection;

        using var stop = new CancellationTokenSource();
        var failedMatches = 0;
        var matches = 0;
        var matching = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                var response = await _client.PostAsJsonAsync(
                    "/api/v1/patterns/match", new { intent = "reindex pattern", min_confidence = 0.0 });
                if (response.StatusCode != HttpStatusCode.OK) failedMatches++;
                matches++;
            }
        });

        Assert.Equal(HttpStatusCode.Accepted, (await _client.PostAsync("/api/v1/sync/reindex", JsonContent.Create(new { }))).StatusCode);
        await Eventually.UntilAsync(
            async () => (await pipeline.Qdrant.Client.ListAliasesAsync()).Any(a => a.AliasName == Collections.BuildingAlias),
            PipelineFixture.Settle, "the rebuild to start");
        // The status the 202 points at shows the rebuild and its progress.
        var status = await StatusAsync();
        var rebuild = status["index"]!["rebuild"]!;
        Assert.Equal(await Collections.BuildingCollectionAsync(), rebuild["collection"]!.GetValue<string>());
        Assert.InRange(rebuild["points_count"]!.GetValue<long>(), 0, status["patterns"]!.GetValue<long>());
        // Changes during the rebuild must reach the new collection too.
        ids.Add(await pipeline.CreatePatternAsync(_client, "Reindex: created during the rebuild"));
        await PipelineFixture.PatchAsync(_client, ids[0], """{"description": "Changed during the rebuild."}""");
        // The rebuild switches the alias, then drops the old collection: wait for both.
        await Eventually.UntilAsync(
            async () => (await index.GetInfoAsync()).Collection != before && !await pipeline.Qdrant.Client.CollectionExistsAsync(before),
            PipelineFixture.Settle, "the alias switch and the old collection's removal");
        await stop.CancelAsync();
        await matching;

        Assert.Equal(0, failedMatches);
        Assert.True(matches > 0);
        Assert.DoesNotContain(await pipeline.Qdrant.Client.ListAliasesAsync(), a => a.AliasName == Collections.BuildingAlias);
        Assert.Null((await StatusAsync())["index"]!["rebuild"]);
        await pipeline.ConvergedAsync(ids);
    }

    /// <summary>
    /// The backfill has already copied a pattern into the new collection when the pattern changes: only
    /// the worker's write into the collection being built carries that change across the switch.
    /// </summary>
    [Fact]
    public async Task A_change_synced_after_the_backfill_copied_its_pattern_is_in_the_new_collection()
    {
        await pipeline.ConvergedAsync([await pipeline.CreatePatternAsync(_client, "Reindex: copied, then changed")]);
        var index = pipeline.Index;
        var before = (await index.GetInfoAsync()).Collection;
        Guid changed = default;
        var changedTo = 0;

        // The first progress report comes after the backfill wrote its first batch, which holds the smallest pattern id.
        var changeOnce = new InlineProgress(() => Task.Run(async () =>
        {
            if (changed != default) return;
            await using var db = pipeline.Database.CreateDbContext();
            changed = await db.Patterns.OrderBy(p => p.PatternId).Select(p => p.PatternId).FirstAsync();
            await PipelineFixture.PatchAsync(_client, changed, """{"description": "Changed after the backfill copied it."}""");
            changedTo = await db.Patterns.Where(p => p.PatternId == changed).Select(p => p.Version).SingleAsync();
            await Eventually.UntilAsync(async () =>
            {
                await using var check = pipeline.Database.CreateDbContext();
                return await check.Patterns.AnyAsync(p => p.PatternId == changed && p.IndexedVersion == changedTo);
            }, PipelineFixture.Settle, "the worker to sync the change");
            // Before the switch: the worker wrote it into the collection being built, not only the live one.
            Assert.Equal(changedTo, await VersionInAsync(Collections.BuildingAlias, changed));
        }).GetAwaiter().GetResult());

        await using (var scope = pipeline.Worker.Services.CreateAsyncScope())
            await scope.ServiceProvider.GetRequiredService<IndexRebuilder>().RebuildAsync(changeOnce, CancellationToken.None);

        Assert.NotEqual(before, (await index.GetInfoAsync()).Collection);
        Assert.Equal(changedTo, (await index.GetAsync([changed]))[changed].Version);
    }

    /// <summary>
    /// While a change of embedder rolls out, hosts still on the old model write only into the old collection.
    /// Here the rows change with no event at all, as the new collection sees such a host's writes: after the
    /// backfill copied them, one pattern gets a newer version and another is deleted.
    /// </summary>
    [Fact]
    public async Task What_changed_after_the_backfill_without_reaching_the_new_collection_is_caught_up_at_the_switch()
    {
        var ids = new List<Guid>
        {
            await pipeline.CreatePatternAsync(_client, "Reindex: changed behind the new collection"),
            await pipeline.CreatePatternAsync(_client, "Reindex: deleted behind the new collection"),
        };
        await pipeline.ConvergedAsync(ids);
        var index = pipeline.Index;
        int? changedTo = null;
        var changeOnce = new InlineProgress(() => Task.Run(async () =>
        {
            // The newest patterns come last: act once the backfill has copied both.
            if (changedTo is not null
                || await VersionInAsync(Collections.BuildingAlias, ids[0]) is null
                || await VersionInAsync(Collections.BuildingAlias, ids[1]) is null)
                return;
            await pipeline.Database.ExecuteAsync(
                $"UPDATE success_patterns SET version = version + 1, success_rate = 0.25 WHERE pattern_id = '{ids[0]}'");
            await pipeline.Database.ExecuteAsync($"DELETE FROM success_patterns WHERE pattern_id = '{ids[1]}'");
            await using var db = pipeline.Database.CreateDbContext();
            changedTo = await db.Patterns.Where(p => p.PatternId == ids[0]).Select(p => p.Version).SingleAsync();
        }).GetAwaiter().GetResult());

        await using (var scope = pipeline.Worker.Services.CreateAsyncScope())
            await scope.ServiceProvider.GetRequiredService<IndexRebuilder>().RebuildAsync(changeOnce, CancellationToken.None);

        var held = await index.GetAsync(ids);
        Assert.Equal(changedTo, held[ids[0]].Version);
        Assert.False(held.ContainsKey(ids[1]));
    }

    [Fact]
    public async Task A_failed_rebuild_drops_its_half_built_collection_and_the_next_one_runs()
    {
        await pipeline.ConvergedAsync([await pipeline.CreatePatternAsync(_client, "Reindex: survives a failed rebuild")]);
        var index = pipeline.Index;
        var live = (await index.GetInfoAsync()).Collection;
        var collections = await pipeline.Qdrant.Client.ListCollectionsAsync();

        await using (var scope = pipeline.Worker.Services.CreateAsyncScope())
        {
            var rebuilder = scope.ServiceProvider.GetRequiredService<IndexRebuilder>();
            var failing = new InlineProgress(() => throw new InvalidOperationException("The backfill failed."));
            await Assert.ThrowsAsync<InvalidOperationException>(() => rebuilder.RebuildAsync(failing, CancellationToken.None));

            Assert.DoesNotContain(await pipeline.Qdrant.Client.ListAliasesAsync(), a => a.AliasName == Collections.BuildingAlias);
            Assert.Equal(collections.Order(), (await pipeline.Qdrant.Client.ListCollectionsAsync()).Order());
            Assert.Equal(live, (await index.GetInfoAsync()).Collection);

            await rebuilder.RebuildAsync(null, CancellationToken.None);
        }
        Assert.NotEqual(live, (await index.GetInfoAsync()).Collection);
    }

    [Fact]
    public async Task A_rebuild_killed_before_the_switch_is_cleared_away_by_the_next_one()
    {
        await pipeline.ConvergedAsync([await pipeline.CreatePatternAsync(_client, "Reindex: outlives a killed rebuild")]);
        var index = pipeline.Index;
        var live = (await index.GetInfoAsync()).Collection;
        var leftover = await Collections.BeginRebuildAsync(); // as a worker killed mid-backfill leaves it

        await using (var scope = pipeline.Worker.Services.CreateAsyncScope())
            await scope.ServiceProvider.GetRequiredService<IndexRebuilder>().RebuildAsync(null, CancellationToken.None);

        var rebuilt = (await index.GetInfoAsync()).Collection;
        Assert.NotEqual(live, rebuilt);
        Assert.NotEqual(leftover, rebuilt);
        Assert.False(await pipeline.Qdrant.Client.CollectionExistsAsync(leftover));
    }

    private async Task<JsonNode> StatusAsync() => JsonNode.Parse(await _client.GetStringAsync("/api/v1/sync/status"))!;

    /// <returns>The version of the pattern's point in the collection an alias names, or null when it has none.</returns>
    private async Task<int?> VersionInAsync(string alias, Guid id)
    {
        var points = await pipeline.Qdrant.Client.RetrieveAsync(alias, [(PointId)id], withPayload: true);
        return points.Count == 0 ? null : (int)points[0].Payload["version"].IntegerValue;
    }

    /// <summary>Runs the action on the backfill's own thread, so the backfill waits for it.</summary>
    private sealed class InlineProgress(Action onReport) : IProgress<(int Done, int Total)>
    {
        public void Report((int Done, int Total) value) => onReport();
    }
}
