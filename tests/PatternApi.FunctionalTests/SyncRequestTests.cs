using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Npgsql;
using PatternSync.Core.Persistence;
using PatternSync.Core.Reconciliation;

namespace PatternApi.FunctionalTests;

/// <summary>POST /api/v1/sync/reconcile and /reindex: one at a time across API instances, JSON only, never hanging on the broker.</summary>
public sealed class SyncRequestTests(PatternApiFixture api) : IClassFixture<PatternApiFixture>
{
    private readonly HttpClient _client = api.CreateClient();

    [Fact]
    public async Task A_second_reconcile_while_one_is_in_flight_gets_409_naming_it()
    {
        await ForgetRequestsAsync();
        Assert.Equal(HttpStatusCode.Accepted, (await PostAsync("/api/v1/sync/reconcile")).StatusCode);

        // No worker runs here: the request waits to be picked up, and a second one is refused.
        var pending = await ConflictAsync("/api/v1/sync/reconcile");
        Assert.Contains("has not started yet", pending["detail"]!.GetValue<string>());
        Assert.Equal("reconcile", pending["in_flight"]!["kind"]!.GetValue<string>());

        // A worker started a run after the request: that run is what is in flight now.
        var runId = await InsertRunAsync("running");
        var running = await ConflictAsync("/api/v1/sync/reconcile");
        Assert.Contains($"run {runId} is running", running["detail"]!.GetValue<string>());

        await api.Database.ExecuteAsync($"UPDATE reconciliation_runs SET status = 'succeeded', finished_at = now() WHERE id = {runId}");
        Assert.Equal(HttpStatusCode.Accepted, (await PostAsync("/api/v1/sync/reconcile")).StatusCode);
    }

    [Fact]
    public async Task A_reindex_while_a_rebuild_holds_its_lock_or_one_waits_for_a_worker_gets_409()
    {
        await ForgetRequestsAsync();
        await using (var rebuild = new NpgsqlConnection(api.Database.ConnectionString))
        {
            // What the worker's IndexRebuilder holds for a whole rebuild, from whichever instance runs it.
            await rebuild.OpenAsync();
            await using (var take = new NpgsqlCommand($"SELECT pg_advisory_lock({AdvisoryLocks.IndexRebuild})", rebuild))
                await take.ExecuteScalarAsync();
            var running = await ConflictAsync("/api/v1/sync/reindex");
            Assert.Contains("rebuild is running", running["detail"]!.GetValue<string>());
            // Explicitly: the pooled connection would keep its session, and the lock.
            await using var release = new NpgsqlCommand($"SELECT pg_advisory_unlock({AdvisoryLocks.IndexRebuild})", rebuild);
            await release.ExecuteScalarAsync();
        }

        Assert.Equal(HttpStatusCode.Accepted, (await PostAsync("/api/v1/sync/reindex")).StatusCode);
        var pending = await ConflictAsync("/api/v1/sync/reindex");
        Assert.Contains("reindex was requested", pending["detail"]!.GetValue<string>());
    }

    [Fact]
    public async Task Concurrent_requests_let_exactly_one_through()
    {
        await ForgetRequestsAsync();
        var responses = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => PostAsync("/api/v1/sync/reindex")));

        Assert.Single(responses, r => r.StatusCode == HttpStatusCode.Accepted);
        Assert.Equal(5, responses.Count(r => r.StatusCode == HttpStatusCode.Conflict));
    }

    [Theory]
    [InlineData("/api/v1/sync/reconcile", "application/x-www-form-urlencoded")]
    [InlineData("/api/v1/sync/reconcile", "text/plain")]
    [InlineData("/api/v1/sync/reconcile", null)]
    [InlineData("/api/v1/sync/reindex", "multipart/form-data")]
    [InlineData("/api/v1/sync/reindex", null)]
    public async Task A_cross_site_form_cannot_trigger_a_sync_operation(string path, string? mediaType)
    {
        var content = mediaType is null ? null : new StringContent("a=b", System.Text.Encoding.UTF8, mediaType);
        var response = await _client.PostAsync(path, content);

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
    }

    /// <summary>The tests of this class share a database: each starts with no request waiting for a worker.</summary>
    private Task ForgetRequestsAsync() => api.Database.ExecuteAsync("DELETE FROM sync_requests");

    private Task<HttpResponseMessage> PostAsync(string path) => _client.PostAsync(path, JsonContent.Create(new { }));

    private async Task<JsonObject> ConflictAsync(string path)
    {
        var response = await PostAsync(path);
        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        return await response.ReadJsonAsync();
    }

    private async Task<long> InsertRunAsync(string status)
    {
        await using var db = api.Database.CreateDbContext();
        var run = new ReconciliationRun { Trigger = "request", Status = status, StartedAt = DateTimeOffset.UtcNow };
        db.ReconciliationRuns.Add(run);
        await db.SaveChangesAsync();
        return run.Id;
    }
}

/// <summary>The API with a broker that does not answer (a closed port).</summary>
public sealed class BrokerDownApiFixture : PatternApiFixture
{
    protected override IReadOnlyDictionary<string, string> Settings => new Dictionary<string, string>
    {
        ["RabbitMq:Port"] = "9", // discard: nothing listens there
        ["SyncRequests:PublishTimeout"] = "00:00:01",
    };
}

public sealed class SyncRequestsWithTheBrokerDownTests(BrokerDownApiFixture api) : IClassFixture<BrokerDownApiFixture>
{
    [Theory]
    [InlineData("/api/v1/sync/reconcile")]
    [InlineData("/api/v1/sync/reindex")]
    public async Task A_request_gets_503_after_the_publish_timeout_and_leaves_nothing_in_flight(string path)
    {
        var client = api.CreateClient();
        for (var attempt = 0; attempt < 2; attempt++) // the second is not refused as in flight: the first left nothing behind
        {
            var clock = Stopwatch.StartNew();
            var response = await client.PostAsync(path, JsonContent.Create(new { }));

            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
            Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(0.9), TimeSpan.FromSeconds(10));
        }
    }
}
