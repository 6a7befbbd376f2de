using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using PatternSync.Core.Patterns;
using PatternSync.Core.VectorIndex;
using PatternSync.Testing;
using Qdrant.Client.Grpc;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace FaultDrills;

/// <summary>
/// One system for a drill: a database, the Qdrant stand-in, an entity prefix on the broker that
/// ops/services.sh started, hosts as processes, and a plain RabbitMQ consumer that records every
/// event it sees (to count duplicates and account for every outbox row).
/// </summary>
public sealed class DrillSystem : IAsyncDisposable
{
    private static int _nextPort = 19100;
    private readonly List<HostProcess> _hosts = [];
    private readonly ConcurrentDictionary<string, int> _seen = new();
    private IConnection? _connection;
    private IChannel? _channel;

    public TestDatabase Database { get; private set; } = null!;
    public QdrantUnderTest Qdrant { get; private set; } = null!;
    public string Prefix { get; } = $"drill{Guid.NewGuid():N}"[..13] + "-";
    public string Alias { get; } = QdrantUnderTest.UniqueAlias("drill");

    public static async Task<DrillSystem> StartAsync()
    {
        var system = new DrillSystem { Database = await TestDatabase.CreateAsync("drill"), Qdrant = await QdrantUnderTest.StartAsync() };
        await system.ListenAsync();
        return system;
    }

    public IReadOnlyDictionary<string, string> Settings => HostSettings.Services(Database.ConnectionString, Prefix)
        .WithIndex("Qdrant", Qdrant.Url, Alias).With(new Dictionary<string, string>
        {
            ["Auth:RequireApiKeys"] = "false",
            ["RateLimits:WriteBurst"] = "100000",
            ["Outbox:PollInterval"] = "00:00:01",
            ["Outbox:MaxRetryDelay"] = "00:00:02",
            ["Outbox:PublishTimeout"] = "00:00:03",
            ["Reconciliation:InitialDelay"] = "01:00:00",
        });

    public async Task<HostProcess> StartHostAsync(string project, int? port = null, IReadOnlyDictionary<string, string>? overrides = null)
    {
        var settings = new Dictionary<string, string>(Settings).With(overrides ?? new Dictionary<string, string>());
        var host = HostProcess.Start(project, $"http://127.0.0.1:{port ?? Interlocked.Increment(ref _nextPort)}", settings);
        _hosts.Add(host);
        await host.WaitLiveAsync();
        return host;
    }

    /// <summary>
    /// Creates, then updates half (new text), records outcomes on a third, deletes a sixth, spread over the given clients.
    /// </summary>
    public static async Task<int> WriteBurstAsync(
        IReadOnlyList<HttpClient> clients, string label, int patterns, Func<int, Task>? during = null)
    {
        var ids = new Guid[patterns];
        var writes = 0;
        await Parallel.ForEachAsync(Enumerable.Range(0, patterns), new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (i, _) =>
        {
            var client = clients[i % clients.Count];
            ids[i] = await SendAsync(client, HttpMethod.Post, "/api/v1/patterns",
                PatternBodies.Caching($"{label} {i}", $"Cache the {label} results for {i} seconds.", "redis", $"drill-{i % 5}"));
            Interlocked.Increment(ref writes);
            if (during is not null && i == patterns / 3) await during(i);
        });
        await Parallel.ForEachAsync(Enumerable.Range(0, patterns), new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (i, _) =>
        {
            var client = clients[i % clients.Count];
            var one = $"/api/v1/patterns/{ids[i]}";
            if (i % 2 == 0)
            {
                await SendAsync(client, HttpMethod.Patch, one, new JsonObject { ["description"] = $"Updated {label} {i}." });
                Interlocked.Increment(ref writes);
            }
            if (i % 3 == 0)
            {
                await SendAsync(client, HttpMethod.Post, $"{one}/outcomes", new JsonObject { ["success"] = i % 2 == 0 });
                Interlocked.Increment(ref writes);
            }
            if (i % 6 == 5)
            {
                await SendAsync(client, HttpMethod.Delete, one, null);
                Interlocked.Increment(ref writes);
            }
        });
        return writes;
    }

    /// <summary>
    /// Retries while a host is down: a client keeps trying a write it has not seen succeed (the drill's clients
    /// are patient producers), with one Idempotency-Key per POST, so a retry of a write that did commit is not a second one.
    /// </summary>
    private static async Task<Guid> SendAsync(HttpClient client, HttpMethod method, string path, JsonObject? body)
    {
        var idempotencyKey = method == HttpMethod.Post ? Guid.NewGuid().ToString() : null;
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                var request = new HttpRequestMessage(method, path);
                if (idempotencyKey is not null) request.Headers.Add("Idempotency-Key", idempotencyKey);
                if (body is not null)
                {
                    var mediaType = method == HttpMethod.Patch ? "application/merge-patch+json" : "application/json";
                    request.Content = new StringContent(body.ToJsonString(), System.Text.Encoding.UTF8, mediaType);
                }
                var response = await client.SendAsync(request);
                if ((int)response.StatusCode >= 500 && attempt < 60) { await Task.Delay(500); continue; }
                response.EnsureSuccessStatusCode();
                if (method != HttpMethod.Post || path != "/api/v1/patterns") return Guid.Empty;
                return (await response.Content.ReadFromJsonAsync<JsonObject>())!["pattern_id"]!.GetValue<Guid>();
            }
            catch (HttpRequestException) when (attempt < 60)
            {
                await Task.Delay(500);
            }
        }
    }

    /// <summary>
    /// Waits until the index equals PostgreSQL exactly, then counts what differs (0 when converged) and what consumers saw twice.
    /// </summary>
    public async Task<DrillFigures> SettleAsync(string scenario, int written, Stopwatch sinceFault, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        (int Lost, int Stale, int Rows, int Points) diff = (-1, -1, 0, 0);
        while (true)
        {
            try
            {
                diff = await DiffAsync();
                if (diff.Lost == 0 && diff.Stale == 0 && await Database.CountUnsentAsync() == 0) break;
            }
            catch (Exception e) when (e is Grpc.Core.RpcException or Npgsql.NpgsqlException or InvalidOperationException)
            {
                // A part is still coming back (the collection not created yet, a dropped connection): look again.
                Npgsql.NpgsqlConnection.ClearAllPools();
            }
            if (DateTime.UtcNow > deadline) break;
            await Task.Delay(250);
        }
        var converged = sinceFault.Elapsed;
        // The plain consumer may still be reconnecting (after a broker restart) while the index has converged.
        await using var db = Database.CreateDbContext();
        var messageIds = await db.OutboxMessages.Select(m => m.MessageId.ToString()).ToListAsync();
        int unaccounted;
        while ((unaccounted = messageIds.Count(id => !_seen.ContainsKey(id))) > 0 && DateTime.UtcNow < deadline)
            await Task.Delay(250);
        var duplicates = _seen.Values.Sum(count => count - 1);
        var inErrorQueue = await ErrorQueueCountAsync();
        return new DrillFigures(scenario, written, diff.Points, diff.Lost, diff.Stale, duplicates, unaccounted, inErrorQueue, converged);
    }

    /// <summary>Events in the worker's error queue (0 when it was never declared).</summary>
    private async Task<uint> ErrorQueueCountAsync()
    {
        var factory = new ConnectionFactory { HostName = "127.0.0.1", Port = TestServices.RabbitMqPort };
        await using var connection = await factory.CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync();
        try
        {
            return (await channel.QueueDeclarePassiveAsync(Prefix + "pattern-sync_error")).MessageCount;
        }
        catch (RabbitMQ.Client.Exceptions.OperationInterruptedException)
        {
            return 0;
        }
    }

    /// <summary>
    /// Rows the index does not hold at their version (lost), points whose payload differs from the row or that have no row (stale).
    /// </summary>
    private async Task<(int Lost, int Stale, int Rows, int Points)> DiffAsync()
    {
        await using var db = Database.CreateDbContext();
        var rows = await db.Patterns.AsNoTracking().ToDictionaryAsync(p => p.PatternId);
        var points = new Dictionary<Guid, RetrievedPoint>();
        PointId? offset = null;
        do
        {
            var page = await Qdrant.Client.ScrollAsync(Alias, limit: 500, offset: offset, payloadSelector: true, vectorsSelector: false);
            foreach (var point in page.Result) points[Guid.Parse(point.Id.Uuid)] = point;
            offset = page.NextPageOffset;
        } while (offset is not null);
        var lost = rows.Values.Count(row =>
            !points.TryGetValue(row.PatternId, out var p) || p.Payload["version"].IntegerValue < row.Version);
        var stale = points.Count(p =>
            !rows.TryGetValue(p.Key, out var row)
            || !Matches(p.Value, PatternPayload.From(row)) && p.Value.Payload["version"].IntegerValue >= row.Version);
        return (lost, stale, rows.Count, points.Count);
    }

    private static bool Matches(RetrievedPoint point, PatternPayload row)
    {
        var p = point.Payload;
        return p["version"].IntegerValue == row.Version && p["content_hash"].StringValue == row.ContentHash
               && p["status"].StringValue == row.Status
               && p["match_count"].IntegerValue == row.MatchCount && p["pattern_type"].StringValue == row.PatternType
               && p["tags"].ListValue.Values.Select(v => v.StringValue).SequenceEqual(row.Tags)
               && (row.SuccessRate is null
                   ? p["success_rate"].KindCase == Value.KindOneofCase.NullValue
                   : Math.Abs(p["success_rate"].DoubleValue - row.SuccessRate.Value) < 1e-9);
    }

    private async Task ListenAsync()
    {
        var factory = new ConnectionFactory
        {
            HostName = "127.0.0.1", Port = TestServices.RabbitMqPort, AutomaticRecoveryEnabled = true, TopologyRecoveryEnabled = true,
        };
        _connection = await factory.CreateConnectionAsync();
        _channel = await _connection.CreateChannelAsync();
        // A durable queue of the consumer's own, so it keeps events while the broker restarts.
        var queue = Prefix + "drill-observer";
        await _channel.QueueDeclareAsync(queue, durable: true, exclusive: false, autoDelete: false);
        foreach (var name in new[] { "PatternCreated", "PatternUpdated", "PatternDeleted", "PatternOutcomeRecorded" })
        {
            var exchange = $"{Prefix}PatternSync.Contracts:{name}";
            await _channel.ExchangeDeclareAsync(exchange, ExchangeType.Fanout, durable: true, autoDelete: false);
            await _channel.QueueBindAsync(queue, exchange, "");
        }
        var consumer = new AsyncEventingBasicConsumer(_channel);
        consumer.ReceivedAsync += (_, delivery) =>
        {
            _seen.AddOrUpdate(delivery.BasicProperties.MessageId ?? "", 1, (_, count) => count + 1);
            return Task.CompletedTask;
        };
        await _channel.BasicConsumeAsync(queue, autoAck: true, consumer);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var host in _hosts) await host.DisposeAsync();
        if (_channel is not null)
        {
            foreach (var queue in new[] { "drill-observer", "pattern-sync", "pattern-sync_error", "pattern-maintenance" })
                try { await _channel.QueueDeleteAsync(Prefix + queue); } catch (Exception) { /* best effort on a shared broker */ }
            await _channel.CloseAsync();
        }
        if (_connection is not null) await _connection.CloseAsync();
        await Qdrant.DisposeAsync();
        await Database.DisposeAsync();
    }
}

public sealed record DrillFigures(
    string Scenario, int Written, int PointsInIndex, int Lost, int Stale, int Duplicates, int Unaccounted, uint InErrorQueue,
    TimeSpan Converged)
{
    public override string ToString() =>
        $"{Scenario,-44} written {Written,4}  points {PointsInIndex,4}  lost {Lost}  stale {Stale}  "
        + $"duplicates seen {Duplicates,3}  unaccounted {Unaccounted}  "
        + $"error queue {InErrorQueue}  converged in {Converged.TotalSeconds,5:F1} s";
}
