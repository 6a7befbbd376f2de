using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Npgsql;

namespace PatternSync.Bench;

/// <summary>
/// Reconciliation time at 10k (and 100k with --with-100k) patterns on the embedded index: in sync, then
/// with 1 % drift (points deleted behind the system's back, so each one is re-embedded). Runs the real
/// job through the API and the worker as processes and reads the run reports.
/// </summary>
internal static class ReconciliationBenchmark
{
    public static async Task<int> RunAsync(string[] args)
    {
        var sizes = args.Contains("--with-100k") ? new[] { 10_000, 100_000 } : [10_000];
        var run = BenchRun.New("benchrec");
        const string apiUrl = "http://127.0.0.1:18100";
        var settings = run.Settings(("VectorIndex:Provider", "Postgres"));
        await using var api = BenchRun.StartHost("PatternApi", apiUrl,
            run.Settings(("VectorIndex:Provider", "Postgres"), ("Database:MigrateOnStart", "true")));
        await api.WaitReadyAsync(TimeSpan.FromSeconds(60));
        await using var worker = BenchRun.StartHost("SyncWorker", "http://127.0.0.1:18101", settings);
        await worker.WaitReadyAsync(TimeSpan.FromSeconds(60));
        await using var dataSource = NpgsqlDataSource.Create(run.ConnectionString);
        using var http = new HttpClient { BaseAddress = new Uri(apiUrl) };

        var rows = new List<(string, string)>();
        var figures = new List<object>();
        var loaded = 0;
        foreach (var size in sizes)
        {
            Console.Error.Write($"loading {size} patterns...");
            await BenchData.LoadIndexedAsync(dataSource, loaded, size);
            loaded = size;
            Console.Error.WriteLine(" done");
            var inSync = await ReconcileAsync(http);
            await using (var drift = dataSource.CreateCommand(
                $"""
                UPDATE pattern_vectors SET deleted = true, embedding = NULL, change_seq = nextval('pattern_vectors_change_seq')
                 WHERE pattern_id IN (SELECT pattern_id FROM pattern_vectors WHERE NOT deleted ORDER BY random() LIMIT {size / 100})
                """))
                await drift.ExecuteNonQueryAsync();
            var drifted = await ReconcileAsync(http);
            rows.Add(($"{size,7} patterns, in sync", Describe(inSync)));
            rows.Add(($"{size,7} patterns, 1 % missing", Describe(drifted)));
            figures.Add(new
            {
                patterns = size, in_sync_seconds = Seconds(inSync), drift_seconds = Seconds(drifted),
                drift_repaired = drifted["repaired"]!.GetValue<int>(),
            });
        }
        BenchResults.Report("reconciliation", [("index", "embedded PostgreSQL provider; repairs re-embed with MiniLM"), .. rows], figures);
        await api.DisposeAsync();
        await worker.DisposeAsync();
        await run.DropAsync();
        return 0;
    }

    private static async Task<JsonObject> ReconcileAsync(HttpClient http)
    {
        var previous = (await http.GetFromJsonAsync<JsonArray>("/api/v1/sync/reconciliations?limit=1"))!.FirstOrDefault();
        var before = previous?["id"]?.GetValue<long>() ?? 0;
        (await http.PostAsync("/api/v1/sync/reconcile", JsonContent.Create(new { }))).EnsureSuccessStatusCode();
        while (true)
        {
            await Task.Delay(200);
            var latest = (await http.GetFromJsonAsync<JsonArray>("/api/v1/sync/reconciliations?limit=1"))!.FirstOrDefault()?.AsObject();
            if (latest is not null && latest["id"]!.GetValue<long>() > before && latest["finished_at"] is not null) return latest;
        }
    }

    private static double Seconds(JsonObject run) =>
        (DateTimeOffset.Parse(run["finished_at"]!.GetValue<string>())
         - DateTimeOffset.Parse(run["started_at"]!.GetValue<string>())).TotalSeconds;

    private static string Describe(JsonObject run) =>
        $"{Seconds(run):F1} s ({run["status"]}; rows {run["rows_checked"]}, points {run["points_checked"]}, "
        + $"missing {run["missing"]}, repaired {run["repaired"]})";
}
