using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Json;
using Npgsql;

namespace PatternSync.Bench;

/// <summary>
/// Commit-to-index latency as users see it, against the embedder's own rate. First the local embedder alone on the texts
/// the creates will carry (E, as the embedder benchmark measures it, in this process); then, with the API and the worker
/// as real processes (Release builds) on the services ops/services.sh started, a warm-up step right after start and steps
/// offering creates at fractions of E, each for a fixed time. The creates carry the sample library's texts (varied, so
/// each is embedded), or with --short the old one-line texts. Commit time is the outbox row's created_at (stamped just
/// before the commit); index time is indexed_at, which the worker records after its index write; both are read from the
/// rows once a step's creates are indexed, so nothing polls the API meanwhile. The index is the embedded PostgreSQL
/// provider. The figure to improve: the highest step whose p99 stays within 1 s, as a fraction of E.
/// </summary>
internal static class PipelineLatencyBenchmark
{
    private const string ApiUrl = "http://127.0.0.1:18080";
    private const string WorkerUrl = "http://127.0.0.1:18081";
    private const int EmbedderBatch = 32; // the embedder benchmark's default
    private const double P99GoalMs = 1000;
    private static readonly double[] Fractions = [0.5, 0.7, 0.85, 1.0];
    private const double WarmUpFraction = 0.5;

    public static async Task<int> RunAsync(string[] args)
    {
        var seconds = BenchResults.Option(args, "--seconds", 30);
        var warmUpSeconds = BenchResults.Option(args, "--warm-up-seconds", 20);
        var textCount = BenchResults.Option(args, "--texts", 256);
        var pollOnly = args.Contains("--poll-only");
        var creates = new Creates(args.Contains("--short"));

        Console.Error.WriteLine($"embedder alone on {textCount} {creates.Kind} texts...");
        var (embedderRate, _) = await EmbedderBenchmark.MeasureAsync(creates.Texts(textCount), EmbedderBatch);
        Console.Error.WriteLine($"E = {embedderRate:F1} texts/s");

        var run = BenchRun.New("bench");
        await using var api = BenchRun.StartHost("PatternApi", ApiUrl, run.Settings(("VectorIndex:Provider", "Postgres"),
            ("Database:MigrateOnStart", "true"), ("Outbox:ListenForNotifications", (!pollOnly).ToString())));
        await api.WaitReadyAsync(TimeSpan.FromSeconds(60));
        await using var worker = BenchRun.StartHost("SyncWorker", WorkerUrl,
            run.Settings(("VectorIndex:Provider", "Postgres"), ("Embedding:Provider", "MiniLM")));
        await worker.WaitReadyAsync(TimeSpan.FromSeconds(60));
        var cpu = ProcessCpu.Find(ApiUrl, WorkerUrl, run.Name);
        await using var dataSource = NpgsqlDataSource.Create(run.ConnectionString);
        using var http = new HttpClient { BaseAddress = new Uri(ApiUrl) };

        Console.Error.WriteLine($"warm-up: {WarmUpFraction} x E for {warmUpSeconds} s right after start...");
        var warmUp = await OfferAsync(http, dataSource, cpu, creates, WarmUpFraction * embedderRate, warmUpSeconds);
        var steps = new List<(double Fraction, Step Step)>();
        foreach (var fraction in Fractions)
        {
            Console.Error.WriteLine($"{fraction} x E for {seconds} s...");
            steps.Add((fraction, await OfferAsync(http, dataSource, cpu, creates, fraction * embedderRate, seconds)));
        }
        var held = steps.Where(s => BenchResults.Percentile(s.Step.IndexedMs, 0.99) <= P99GoalMs).Select(s => s.Fraction)
            .DefaultIfEmpty(0).Max();

        var relay = pollOnly ? "relay polling every 2 s" : "relay on LISTEN/NOTIFY";
        BenchResults.Report($"pipeline-latency{(pollOnly ? "-poll" : "")}{(creates.Short ? "-short" : "")}",
        [
            ("texts", $"{creates.Kind} creates, {relay}, embedded index; {seconds} s per step"),
            ("embedder alone (E)", $"{embedderRate:F1} texts/s ({textCount} of the same texts, batches of {EmbedderBatch})"),
            ("step: offered", $"achieved, commit -> indexed; CPU of {Environment.ProcessorCount} cores: {string.Join(" / ", cpu.Names)}"),
            ($"warm-up {WarmUpFraction:F2} x E", Row(warmUp)),
            .. steps.Select(s => ($"{s.Fraction:F2} x E", Row(s.Step))),
            ($"highest p99 <= {P99GoalMs / 1000:F0} s", held > 0 ? $"{held:F2} x E" : $"none (below {Fractions[0]:F2} x E)"),
        ], new
        {
            texts = creates.Kind, relay = pollOnly ? "poll" : "notify", seconds, warm_up_seconds = warmUpSeconds,
            embedder_texts_per_second = embedderRate, embedder_texts = textCount, processors = Environment.ProcessorCount,
            warm_up = Figures(WarmUpFraction, warmUp, cpu),
            steps = steps.Select(s => Figures(s.Fraction, s.Step, cpu)).ToList(),
            highest_fraction_within_p99_goal = held,
        });

        await api.DisposeAsync();
        await worker.DisposeAsync();
        await run.DropAsync();
        return 0;
    }

    /// <summary>
    /// One step's figures: creates offered at a rate, the rate the client achieved, failed creates, sorted times, and
    /// each process's share of the cores while the creates were offered.
    /// </summary>
    private sealed record Step(double Rate, int Offered, double Achieved, int Errors, List<double> RequestMs, List<double> IndexedMs,
        double[] CpuShares);

    private static string Row(Step step) =>
        $"{step.Rate:F1}/s: {step.Achieved:F1}/s, {step.Errors} errors; p50 {Ms(step.IndexedMs, 0.5)}, p99 {Ms(step.IndexedMs, 0.99)}, "
        + $"max {Ms(step.IndexedMs, 1)}; CPU {string.Join(" / ", step.CpuShares.Select(s => $"{s:P0}"))}";

    private static string Ms(IReadOnlyList<double> sorted, double p)
    {
        var ms = BenchResults.Percentile(sorted, p);
        return ms >= 1000 ? $"{ms / 1000:F2} s" : $"{ms:F0} ms";
    }

    private static object Figures(double fraction, Step step, ProcessCpu cpu) => new
    {
        fraction, offered_per_second = step.Rate, creates = step.Offered, achieved_per_second = step.Achieved, errors = step.Errors,
        request_p50_ms = BenchResults.Percentile(step.RequestMs, 0.5), request_p99_ms = BenchResults.Percentile(step.RequestMs, 0.99),
        index_p50_ms = BenchResults.Percentile(step.IndexedMs, 0.5), index_p99_ms = BenchResults.Percentile(step.IndexedMs, 0.99),
        index_max_ms = step.IndexedMs[^1],
        cpu_share = cpu.Names.Zip(step.CpuShares).ToDictionary(p => p.First, p => p.Second),
    };

    /// <summary>
    /// Creates at a fixed offered rate for a number of seconds, each request timed and the processes' CPU read around
    /// them; then, once they are all indexed, each one's commit-to-indexed time from its rows.
    /// </summary>
    private static async Task<Step> OfferAsync(
        HttpClient http, NpgsqlDataSource dataSource, ProcessCpu cpu, Creates creates, double rate, int seconds)
    {
        var before = await BenchData.ScalarAsync(dataSource, "SELECT coalesce(max(id), 0) FROM outbox_messages");
        var total = (int)Math.Round(rate * seconds);
        var requestTimes = new ConcurrentBag<double>();
        var errors = 0;
        var cpuBefore = cpu.Snapshot();
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
        var elapsed = clock.Elapsed.TotalSeconds;
        var shares = ProcessCpu.Shares(cpuBefore, cpu.Snapshot(), elapsed);
        await WaitIndexedAsync(dataSource.ConnectionString);
        return new Step(rate, total, total / elapsed, errors, requestTimes.Order().ToList(), await IndexedMsAsync(dataSource, before),
            shares);
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
