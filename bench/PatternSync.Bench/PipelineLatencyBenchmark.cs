using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Npgsql;

namespace PatternSync.Bench;

/// <summary>
/// Commit-to-index latency at a fixed offered rate of creates, with the API and the worker as real processes (Release
/// builds) on the services ops/services.sh started. The creates carry the sample library's texts (varied, so each is
/// embedded), or with --short the old one-line texts. Commit time is the outbox row's created_at (stamped just before
/// the commit); index time is indexed_at, which the worker records after its index write; both are read from the rows
/// once the step's creates are indexed, so nothing polls the API meanwhile. The index is the embedded PostgreSQL provider.
/// </summary>
internal static class PipelineLatencyBenchmark
{
    private const string ApiUrl = "http://127.0.0.1:18080";

    public static async Task<int> RunAsync(string[] args)
    {
        var rate = BenchResults.Option(args, "--rate", 10);
        var seconds = BenchResults.Option(args, "--seconds", 30);
        var pollOnly = args.Contains("--poll-only");
        var creates = new Creates(args.Contains("--short"));
        var run = BenchRun.New("bench");

        await using var api = BenchRun.StartHost("PatternApi", ApiUrl, run.Settings(("VectorIndex:Provider", "Postgres"),
            ("Database:MigrateOnStart", "true"), ("Outbox:ListenForNotifications", (!pollOnly).ToString())));
        await api.WaitReadyAsync(TimeSpan.FromSeconds(60));
        await using var worker = BenchRun.StartHost("SyncWorker", "http://127.0.0.1:18081",
            run.Settings(("VectorIndex:Provider", "Postgres"), ("Embedding:Provider", "MiniLM")));
        await worker.WaitReadyAsync(TimeSpan.FromSeconds(60));
        await using var dataSource = NpgsqlDataSource.Create(run.ConnectionString);
        using var http = new HttpClient { BaseAddress = new Uri(ApiUrl) };

        Console.Error.WriteLine($"offering {rate * seconds} {creates.Kind} creates at {rate}/s "
            + $"({(pollOnly ? "poll only" : "LISTEN/NOTIFY")})...");
        var step = await OfferAsync(http, dataSource, creates, rate, seconds);
        BenchResults.Report($"pipeline-latency-{rate}ps{(pollOnly ? "-poll" : "")}{(creates.Short ? "-short" : "")}",
        [
            ("offered", $"{step.Offered} {creates.Kind} creates at {rate}/s, relay {(pollOnly ? "polling every 2 s" : "on LISTEN/NOTIFY")}"),
            ("API writes", $"{step.Achieved:F1}/s achieved, {step.Errors} errors; {BenchResults.Table(step.RequestMs)}"),
            ("commit -> indexed", BenchResults.Table(step.IndexedMs)),
        ], new
        {
            rate, total = step.Offered, texts = creates.Kind, relay = pollOnly ? "poll" : "notify",
            achieved_per_second = step.Achieved, errors = step.Errors,
            request_p50_ms = BenchResults.Percentile(step.RequestMs, 0.5), request_p99_ms = BenchResults.Percentile(step.RequestMs, 0.99),
            index_p50_ms = BenchResults.Percentile(step.IndexedMs, 0.5), index_p99_ms = BenchResults.Percentile(step.IndexedMs, 0.99),
            index_max_ms = step.IndexedMs[^1],
        });

        await api.DisposeAsync();
        await worker.DisposeAsync();
        await run.DropAsync();
        return 0;
    }

    /// <summary>One step's figures: creates offered, the rate the client achieved, failed creates, sorted times.</summary>
    private sealed record Step(int Offered, double Achieved, int Errors, List<double> RequestMs, List<double> IndexedMs);

    /// <summary>
    /// Creates at a fixed offered rate for a number of seconds, each request timed; then, once they are all indexed, each
    /// one's commit-to-indexed time from its rows.
    /// </summary>
    private static async Task<Step> OfferAsync(HttpClient http, NpgsqlDataSource dataSource, Creates creates, double rate, int seconds)
    {
        var before = await BenchData.ScalarAsync(dataSource, "SELECT coalesce(max(id), 0) FROM outbox_messages");
        var total = (int)Math.Round(rate * seconds);
        var requestTimes = new ConcurrentBag<double>();
        var errors = 0;
        var clock = Stopwatch.StartNew();
        var writes = new List<Task>();
        for (var i = 0; i < total; i++)
        {
            var due = TimeSpan.FromSeconds(i / rate);
            if (due > clock.Elapsed) await Task.Delay(due - clock.Elapsed);
            var body = creates.Next().Body();
            writes.Add(Task.Run(async () =>
            {
                var watch = Stopwatch.StartNew();
                try
                {
                    (await http.PostAsJsonAsync("/api/v1/patterns", body)).EnsureSuccessStatusCode();
                    requestTimes.Add(watch.Elapsed.TotalMilliseconds);
                }
                catch (HttpRequestException) { Interlocked.Increment(ref errors); }
            }));
        }
        await Task.WhenAll(writes);
        var achieved = total / clock.Elapsed.TotalSeconds;
        await WaitIndexedAsync(dataSource.ConnectionString);
        return new Step(total, achieved, errors, requestTimes.Order().ToList(), await IndexedMsAsync(dataSource, before));
    }

    /// <summary>Commit-to-indexed times, sorted, of the creates whose outbox rows come after <paramref name="afterId"/>.</summary>
    private static async Task<List<double>> IndexedMsAsync(NpgsqlDataSource dataSource, long afterId)
    {
        var indexed = new List<double>();
        await using var command = dataSource.CreateCommand("""
            SELECT EXTRACT(EPOCH FROM p.indexed_at - o.created_at)::float8 * 1000
            FROM outbox_messages o JOIN success_patterns p USING (pattern_id)
            WHERE o.message_type = 'PatternCreated' AND o.id > @after
            """);
        command.Parameters.AddWithValue("after", afterId);
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync()) indexed.Add(reader.GetDouble(0));
        indexed.Sort();
        return indexed;
    }

    /// <summary>The creates in order: the sample library's patterns varied, or with --short one-line caching patterns.</summary>
    private sealed class Creates(bool isShort)
    {
        private readonly IReadOnlyList<SampleTexts.SamplePattern> _samples = SampleTexts.Patterns();
        private int _next;

        public bool Short => isShort;
        public string Kind => isShort ? "one-line" : "sample-library";

        public SampleTexts.SamplePattern Next() => Pattern(_next++);

        /// <summary>The first <paramref name="count"/> texts the worker will embed, without using them up.</summary>
        public IReadOnlyList<string> Texts(int count) => Enumerable.Range(0, count).Select(i => Pattern(i).EmbeddingText()).ToList();

        private SampleTexts.SamplePattern Pattern(int i) => isShort
            ? new("caching", $"Cache-aside variant {i}",
                $"Read through Redis with a TTL of {60 + i % 240} seconds and jitter, falling back to PostgreSQL on a miss.",
                ["redis", "caching"], "{}")
            : SampleTexts.Varied(_samples, i);
    }

    internal static async Task WaitIndexedAsync(string connectionString)
    {
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        var deadline = DateTime.UtcNow.AddMinutes(5);
        while (true)
        {
            await using var command = dataSource.CreateCommand(
                "SELECT count(*) FROM success_patterns WHERE indexed_version IS DISTINCT FROM version");
            if ((long)(await command.ExecuteScalarAsync())! == 0) return;
            if (DateTime.UtcNow > deadline) throw new TimeoutException("the index did not catch up within 5 minutes");
            await Task.Delay(100);
        }
    }
}
