using System.Diagnostics;
using System.Net.Http;
using PatternSync.Testing;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace FaultDrills;

/// <summary>
/// Each drill runs a write burst (creates, updates, outcomes, deletes over 120 patterns) through the API
/// processes while a part fails, then waits until the index equals PostgreSQL exactly and prints:
/// changes written, points in the index, lost (must be 0), stale (must be 0), duplicates a plain
/// consumer saw, outbox rows it never saw (must be 0), and the time to converge after the fault.
/// </summary>
[Trait("Category", "Faults")]
public sealed class FaultDrillTests(DrillReport report) : IClassFixture<DrillReport>
{
    private const int Patterns = 120;
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(150);

    [Fact]
    public async Task Worker_killed_mid_batch_then_restarted()
    {
        await using var system = await DrillSystem.StartAsync();
        var api = await system.StartHostAsync("PatternApi");
        var worker = await system.StartHostAsync("SyncWorker");
        var fault = new Stopwatch();
        var written = await DrillSystem.WriteBurstAsync([Client(api)], "worker-kill", Patterns, async _ => { await worker.KillAsync(); fault.Start(); });
        await system.StartHostAsync("SyncWorker");
        Check(await system.SettleAsync("worker SIGKILL mid-batch, restarted", written, fault, Settle));
    }

    [Fact]
    public Task RabbitMQ_stopped_for_seconds_then_started() =>
        OutageAsync("RabbitMQ stopped, then started", "broker-down", _ => ServicesAsync("stop-rabbitmq"), _ => ServicesAsync("start-rabbitmq"));

    [Fact]
    public Task Qdrant_unreachable_for_a_while_then_back() =>
        OutageAsync("Qdrant (stand-in) stopped, then back", "qdrant-down", system => system.Qdrant.StandIn!.StopAsync(),
            system => system.Qdrant.StandIn!.RestartAsync());

    [Fact]
    public async Task API_killed_between_committing_and_publishing_then_restarted()
    {
        await using var system = await DrillSystem.StartAsync();
        // This API commits but never publishes: every row it wrote is unsent when it dies.
        var api = await system.StartHostAsync("PatternApi", overrides: new Dictionary<string, string> { ["Outbox:RelayEnabled"] = "false" });
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
            await ServicesAsync("stop-postgres");
            fault.Start();
            await Task.Delay(TimeSpan.FromSeconds(2));
            await ServicesAsync("start-postgres");
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

    /// <summary>A part stopped during the burst and kept down 3 s after it, then started again.</summary>
    private async Task OutageAsync(string label, string burst, Func<DrillSystem, Task> stop, Func<DrillSystem, Task> start)
    {
        await using var system = await DrillSystem.StartAsync();
        var api = await system.StartHostAsync("PatternApi");
        await system.StartHostAsync("SyncWorker");
        var fault = new Stopwatch();
        int written;
        try
        {
            written = await DrillSystem.WriteBurstAsync([Client(api)], burst, Patterns, async _ => { await stop(system); fault.Start(); });
            await Task.Delay(TimeSpan.FromSeconds(3));
        }
        finally
        {
            await start(system);
        }
        Check(await system.SettleAsync(label, written, fault, Settle));
    }

    private void Check(DrillFigures figures)
    {
        report.Print(figures);
        Assert.Equal(0, figures.Lost);
        Assert.Equal(0, figures.Stale);
        Assert.Equal(0, figures.Unaccounted);
        // Every sixth pattern is deleted; a retried create (same Idempotency-Key) must not have made a second one.
        Assert.Equal(Patterns - Patterns / 6, figures.PointsInIndex);
    }

    private static HttpClient Client(HostProcess host) => new() { BaseAddress = new Uri(host.Url), Timeout = TimeSpan.FromSeconds(30) };

    private static async Task ServicesAsync(string command)
    {
        using var process = Process.Start(new ProcessStartInfo(Path.Combine(TestServices.RepositoryRoot, "ops", "services.sh"), command)
        {
            RedirectStandardOutput = true, RedirectStandardError = true,
        })!;
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"ops/services.sh {command} failed: {await process.StandardError.ReadToEndAsync()}");
    }
}

/// <summary>Prints each drill's figures in the test output (xunit diagnostic messages are on for this project).</summary>
public sealed class DrillReport(IMessageSink diagnostics)
{
    public void Print(DrillFigures figures) => diagnostics.OnMessage(new DiagnosticMessage(figures.ToString()));
}
