using PatternSync.Testing;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Npgsql;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

namespace PatternSync.Bench;

/// <summary>
/// Commit-to-publish and commit-to-index latency at a fixed offered rate of creates, with the API
/// and the worker as real processes (Release builds) on the services ops/services.sh started.
/// Commit time is the outbox row's created_at (stamped just before the commit); publish time is when
/// a plain RabbitMQ consumer receives the event; index time is indexed_at, which the worker records
/// after its index write. The index is the embedded PostgreSQL provider (no Qdrant server here).
/// </summary>
internal static class PipelineLatencyBenchmark
{
    public static async Task<int> RunAsync(string[] args)
    {
        var rate = BenchResults.Option(args, "--rate", 50);
        var seconds = BenchResults.Option(args, "--seconds", 20);
        var pollOnly = args.Contains("--poll-only");
        var run = BenchRun.New("bench");
        var connectionString = run.ConnectionString;
        var mqPort = run.MqPort;
        const string apiUrl = "http://127.0.0.1:18080";

        await using var api = BenchRun.StartHost("PatternApi", apiUrl, run.Settings(("VectorIndex:Provider", "Postgres"),
            ("Database:MigrateOnStart", "true"), ("Outbox:ListenForNotifications", (!pollOnly).ToString())));
        await api.WaitReadyAsync(TimeSpan.FromSeconds(60));
        await using var worker = BenchRun.StartHost("SyncWorker", "http://127.0.0.1:18081",
            run.Settings(("VectorIndex:Provider", "Postgres"), ("Embedding:Provider", "MiniLM")));
        await worker.WaitReadyAsync(TimeSpan.FromSeconds(60));

        var received = new ConcurrentDictionary<string, DateTimeOffset>();
        await using var connection = await new ConnectionFactory { HostName = "127.0.0.1", Port = mqPort }.CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync();
        var exchange = $"{run.Name}-PatternSync.Contracts:PatternCreated";
        await channel.ExchangeDeclareAsync(exchange, ExchangeType.Fanout, durable: true, autoDelete: false);
        var queue = (await channel.QueueDeclareAsync("", false, true, true)).QueueName;
        await channel.QueueBindAsync(queue, exchange, "");
        var consumer = new AsyncEventingBasicConsumer(channel);
        consumer.ReceivedAsync += (_, delivery) =>
        {
            received[delivery.BasicProperties.MessageId!] = DateTimeOffset.UtcNow;
            return Task.CompletedTask;
        };
        await channel.BasicConsumeAsync(queue, autoAck: true, consumer);

        using var http = new HttpClient { BaseAddress = new Uri(apiUrl) };
        // Warm-up: JIT, connection pools and the model's first shapes cost seconds that steady state never pays.
        await Task.WhenAll(Enumerable.Range(0, 100).Select(i => CreateAsync(http, -1 - i)));
        await WaitIndexedAsync(connectionString);
        var total = rate * seconds;
        Console.Error.WriteLine($"offering {total} creates at {rate}/s ({(pollOnly ? "poll only" : "LISTEN/NOTIFY")})...");
        // The load: creates at a fixed offered rate, each timed; meanwhile the sync lag is sampled.
        var requestTimes = new ConcurrentBag<double>();
        var errors = 0;
        var peakLag = 0.0;
        using var sampling = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            using var statusClient = new HttpClient { BaseAddress = new Uri(apiUrl) };
            while (!sampling.IsCancellationRequested)
            {
                var status = await statusClient.GetFromJsonAsync<JsonObject>("/api/v1/sync/status");
                peakLag = Math.Max(peakLag, status!["sync_lag_seconds"]!.GetValue<double>());
                await Task.Delay(250);
            }
        });
        var clock = Stopwatch.StartNew();
        var writes = new List<Task>();
        for (var i = 0; i < total; i++)
        {
            var due = TimeSpan.FromSeconds((double)i / rate);
            if (due > clock.Elapsed) await Task.Delay(due - clock.Elapsed);
            var n = i;
            writes.Add(Task.Run(async () =>
            {
                var watch = Stopwatch.StartNew();
                try { await CreateAsync(http, n); requestTimes.Add(watch.Elapsed.TotalMilliseconds); }
                catch (HttpRequestException) { Interlocked.Increment(ref errors); }
            }));
        }
        await Task.WhenAll(writes);
        var achieved = total / clock.Elapsed.TotalSeconds;

        await WaitIndexedAsync(connectionString);
        await sampling.CancelAsync();
        await sampler;
        await Task.Delay(500); // the last deliveries to the plain consumer
        var requests = requestTimes.OrderBy(t => t).ToList();
        await using var dataSource = NpgsqlDataSource.Create(connectionString);

        var publish = new List<double>();
        var index = new List<double>();
        var indexInOrder = new List<double>();
        await using (var command = dataSource.CreateCommand("""
            SELECT o.message_id::text, o.created_at, p.indexed_at
            FROM outbox_messages o JOIN success_patterns p USING (pattern_id)
            WHERE o.message_type = 'PatternCreated' AND p.name NOT LIKE 'warm-up%'
            ORDER BY o.id
            """))
        await using (var reader = await command.ExecuteReaderAsync())
            while (await reader.ReadAsync())
            {
                var committed = reader.GetFieldValue<DateTimeOffset>(1);
                if (received.TryGetValue(reader.GetString(0), out var at)) publish.Add((at - committed).TotalMilliseconds);
                index.Add((reader.GetFieldValue<DateTimeOffset>(2) - committed).TotalMilliseconds);
                indexInOrder.Add(index[^1]);
            }
        publish.Sort();
        index.Sort();
        if (args.Contains("--trace"))
            Console.Error.WriteLine("index latencies in commit order: " + string.Join(" ", indexInOrder.Select(ms => ms.ToString("F0"))));
        BenchResults.Report($"pipeline-latency-{rate}ps{(pollOnly ? "-poll" : "")}",
        [
            ("offered", $"{total} creates at {rate}/s, relay {(pollOnly ? "polling every 2 s" : "on LISTEN/NOTIFY")}"),
            ("API writes", $"{achieved:F1}/s achieved, {errors} errors; {BenchResults.Table(requests)}"),
            ("peak sync lag", $"{peakLag:F2} s"),
            ("commit -> publish", $"{BenchResults.Table(publish)} ({publish.Count} events)"),
            ("commit -> index", BenchResults.Table(index)),
        ], new
        {
            rate, total, relay = pollOnly ? "poll" : "notify", achieved_per_second = achieved, errors,
            request_p50_ms = BenchResults.Percentile(requests, 0.5), request_p99_ms = BenchResults.Percentile(requests, 0.99),
            peak_lag_seconds = peakLag,
            publish_p50_ms = BenchResults.Percentile(publish, 0.5), publish_p99_ms = BenchResults.Percentile(publish, 0.99),
            publish_max_ms = publish[^1],
            index_p50_ms = BenchResults.Percentile(index, 0.5), index_p99_ms = BenchResults.Percentile(index, 0.99),
            index_max_ms = index[^1],
        });

        await api.DisposeAsync();
        await worker.DisposeAsync();
        await run.DropAsync();
        return 0;
    }

    private static async Task CreateAsync(HttpClient http, int i)
    {
        var response = await http.PostAsJsonAsync("/api/v1/patterns", PatternBodies.Caching(
            i < 0 ? $"warm-up pattern {-i}" : $"Cache-aside variant {i}",
            $"Read through Redis with a TTL of {60 + i % 240} seconds and jitter, falling back to PostgreSQL on a miss.",
            "redis", "caching"));
        response.EnsureSuccessStatusCode();
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
