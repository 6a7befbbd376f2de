using System.Diagnostics;
using System.Net;
using System.Net.Http;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using PatternSync.Testing;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace FaultDrills;

/// <summary>
/// Each drill runs a write burst (creates, updates, outcomes, deletes over 120 patterns) through the API
/// processes while a part fails, then waits until the index equals PostgreSQL exactly and prints:
/// changes written, points in the index, lost (must be 0), stale (must be 0), duplicates a plain
/// consumer saw, outbox rows it never saw (must be 0), events in the worker's error queue (must be 0),
/// and the time to converge after the fault (after the part's return, for an outage).
/// </summary>
[Trait("Category", "Faults")]
public sealed class FaultDrillTests(DrillReport report) : IClassFixture<DrillReport>
{
    private const int Patterns = 120;
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(150);
    /// <summary>
    /// How soon after a long outage ends everything written during it must be in the index: far below the minutes a
    /// default gRPC or outage backoff would take, and above what a busy 2-core machine needs to embed the backlog.
    /// </summary>
    private static readonly TimeSpan AfterRecovery = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Worker_killed_mid_batch_then_restarted()
    {
        await using var system = await DrillSystem.StartAsync();
        var api = await system.StartHostAsync("PatternApi");
        var worker = await system.StartHostAsync("SyncWorker");
        var fault = new Stopwatch();
        var written = await DrillSystem.WriteBurstAsync([Client(api)], "worker-kill", Patterns, async _ =>
        {
            await worker.KillAsync();
            fault.Start();
        });
        await system.StartHostAsync("SyncWorker");
        Check(await system.SettleAsync("worker SIGKILL mid-batch, restarted", written, fault, Settle));
    }

    [Fact]
    public Task RabbitMQ_stopped_for_seconds_then_started() =>
        OutageAsync("RabbitMQ stopped, then started", "broker-down",
            _ => TestServices.RunScriptAsync("stop-rabbitmq"), _ => TestServices.RunScriptAsync("start-rabbitmq"), TimeSpan.FromSeconds(3));

    [Fact]
    public Task Qdrant_unreachable_for_a_while_then_back() =>
        OutageAsync("Qdrant (stand-in) stopped, then back", "qdrant-down", system => system.Qdrant.StandIn!.StopAsync(),
            system => system.Qdrant.StandIn!.RestartAsync(), TimeSpan.FromSeconds(3));

    [Fact]
    public async Task Qdrant_down_for_60_s_while_writes_go_on()
    {
        var figures = await OutageAsync("Qdrant (stand-in) down 60 s, writes go on", "qdrant-60s",
            system => system.Qdrant.StandIn!.StopAsync(), system => system.Qdrant.StandIn!.RestartAsync(), TimeSpan.FromSeconds(60));
        Assert.True(figures.Converged < AfterRecovery, $"converged {figures.Converged.TotalSeconds:F1} s after Qdrant returned");
    }

    [Fact]
    public async Task PostgreSQL_down_for_60_s_between_two_write_bursts()
    {
        await using var system = await DrillSystem.StartAsync();
        var api = await system.StartHostAsync("PatternApi");
        await system.StartHostAsync("SyncWorker");
        var client = Client(api);
        var written = await DrillSystem.WriteBurstAsync([client], "before-postgres-down", Patterns);
        await using (var db = system.Database.CreateDbContext())
        {
            var existing = await db.Patterns.Select(p => p.PatternId).FirstAsync();
            var rows = await system.Database.CountAsync("success_patterns");
            var outboxRows = await system.Database.CountAsync("outbox_messages");
            var outage = Stopwatch.StartNew();
            await TestServices.RunScriptAsync("stop-postgres");
            var recovered = new Stopwatch();
            try
            {
                foreach (var response in await WritesAsync(client, existing))
                {
                    Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
                    Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
                }
                if (outage.Elapsed < TimeSpan.FromSeconds(60)) await Task.Delay(TimeSpan.FromSeconds(60) - outage.Elapsed);
            }
            finally
            {
                await TestServices.RunScriptAsync("start-postgres");
                recovered.Start();
            }
            var first = await system.SettleAsync("PostgreSQL down 60 s, first burst", written, recovered, Settle);
            report.Print(first);
            Assert.True(first.Converged < AfterRecovery, $"converged {first.Converged.TotalSeconds:F1} s after PostgreSQL returned");
            // Nothing half-done: the refused writes left no row and no outbox row behind.
            Npgsql.NpgsqlConnection.ClearAllPools();
            Assert.Equal(rows, await system.Database.CountAsync("success_patterns"));
            Assert.Equal(outboxRows, await system.Database.CountAsync("outbox_messages"));
        }
        written += await DrillSystem.WriteBurstAsync([client], "after-postgres-down", Patterns);
        Check(await system.SettleAsync("PostgreSQL down 60 s between two bursts", written, Stopwatch.StartNew(), Settle), bursts: 2);
    }

    /// <summary>One write of each kind, sent once: a create, an update, an outcome and a deletion of an existing pattern.</summary>
    private static async Task<HttpResponseMessage[]> WritesAsync(HttpClient client, Guid existing) =>
    [
        await client.PostAsync("/api/v1/patterns", Json(PatternBodies.Caching("written while down", "Refused."))),
        await client.PatchAsync($"/api/v1/patterns/{existing}",
            Json(new JsonObject { ["description"] = "Refused." }, "application/merge-patch+json")),
        await client.PostAsync($"/api/v1/patterns/{existing}/outcomes", Json(new JsonObject { ["success"] = true })),
        await client.DeleteAsync($"/api/v1/patterns/{existing}"),
    ];

    private static StringContent Json(JsonObject body, string mediaType = "application/json") =>
        new(body.ToJsonString(), System.Text.Encoding.UTF8, mediaType);

    [Fact]
    public async Task API_killed_between_committing_and_publishing_then_restarted()
    {
        await using var system = await DrillSystem.StartAsync();
        // This API commits but never publishes: every row it wrote is unsent when it dies.
        var api = await system.StartHostAsync("PatternApi",
            overrides: new Dictionary<string, string> { ["Outbox:RelayEnabled"] = "false" });
        await system.StartHostAsync("SyncWorker");
        var fault = new Stopwatch();
        var restart = Task.CompletedTask;
        var written = await DrillSystem.WriteBurstAsync([Client(api)], "api-kill", Patterns, async _ =>
        {
            await api.KillAsync();
            fault.Start();
            Assert.True(await system.Database.CountUnsentAsync() > 0);
            restart = system.StartHostAsync("PatternApi", api.Port);
        });
        await restart;
        Check(await system.SettleAsync("API SIGKILL with rows unsent, restarted", written, fault, Settle));
    }

    [Fact]
    public async Task PostgreSQL_restarted_under_the_relay_and_the_worker()
    {
        await using var system = await DrillSystem.StartAsync();
        var api = await system.StartHostAsync("PatternApi");
        await system.StartHostAsync("SyncWorker");
        var fault = new Stopwatch();
        var written = await DrillSystem.WriteBurstAsync([Client(api)], "postgres-restart", Patterns, async _ =>
        {
            await TestServices.RunScriptAsync("stop-postgres");
            fault.Start();
            await Task.Delay(TimeSpan.FromSeconds(2));
            await TestServices.RunScriptAsync("start-postgres");
        });
        Check(await system.SettleAsync("PostgreSQL restarted under relay and worker", written, fault, Settle));
    }

    [Fact]
    public async Task Two_APIs_relaying_and_two_workers_consuming()
    {
        await using var system = await DrillSystem.StartAsync();
        var apis = new[] { await system.StartHostAsync("PatternApi"), await system.StartHostAsync("PatternApi") };
        await system.StartHostAsync("SyncWorker");
        await system.StartHostAsync("SyncWorker");
        var fault = Stopwatch.StartNew();
        var written = await DrillSystem.WriteBurstAsync(apis.Select(Client).ToList(), "two-by-two", Patterns);
        Check(await system.SettleAsync("two APIs relaying, two workers consuming", written, fault, Settle));
    }

    /// <summary>
    /// A part stopped a third into the burst and kept down for <paramref name="down"/> (the writes going on meanwhile),
    /// then started again; convergence is timed from its return.
    /// </summary>
    private async Task<DrillFigures> OutageAsync(
        string label, string burst, Func<DrillSystem, Task> stop, Func<DrillSystem, Task> start, TimeSpan down)
    {
        await using var system = await DrillSystem.StartAsync();
        var api = await system.StartHostAsync("PatternApi");
        await system.StartHostAsync("SyncWorker");
        var outage = new Stopwatch();
        var recovered = new Stopwatch();
        int written;
        try
        {
            written = await DrillSystem.WriteBurstAsync([Client(api)], burst, Patterns, async _ => { await stop(system); outage.Start(); });
            if (outage.Elapsed < down) await Task.Delay(down - outage.Elapsed);
        }
        finally
        {
            await start(system);
            recovered.Start();
        }
        var figures = await system.SettleAsync(label, written, recovered, Settle);
        Check(figures);
        return figures;
    }

    private void Check(DrillFigures figures, int bursts = 1)
    {
        report.Print(figures);
        Assert.Equal(0, figures.Lost);
        Assert.Equal(0, figures.Stale);
        Assert.Equal(0, figures.Unaccounted);
        // Outages are waited out; only an event that fails on its own may end there, and a drill has none.
        Assert.Equal(0u, figures.InErrorQueue);
        // Every sixth pattern is deleted; a retried create (same Idempotency-Key) must not have made a second one.
        Assert.Equal(bursts * (Patterns - Patterns / 6), figures.PointsInIndex);
    }

    private static HttpClient Client(HostProcess host) => new() { BaseAddress = new Uri(host.Url), Timeout = TimeSpan.FromSeconds(30) };
}

/// <summary>Prints each drill's figures in the test output (xunit diagnostic messages are on for this project).</summary>
public sealed class DrillReport(IMessageSink diagnostics)
{
    public void Print(DrillFigures figures) => diagnostics.OnMessage(new DiagnosticMessage(figures.ToString()));
}
