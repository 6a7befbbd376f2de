using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.AI;
using PatternSync.Core.Embeddings;
using PatternSync.Core.VectorIndex;
using PatternSync.Core.VectorIndex.Postgres;
using PatternSync.Core.VectorIndex.Qdrant;
using Npgsql;
using PatternSync.Testing;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace SyncPipeline.IntegrationTests;

/// <summary>
/// The whole pipeline on real services: PostgreSQL, RabbitMQ (Testcontainers where Docker answers,
/// else the services script's broker), the Qdrant stand-in (or QDRANT_URL), the real MiniLM model,
/// the API host with its relay and a worker host. Names are prefixed per run, so runs never meet.
/// </summary>
public abstract class PipelineFixture(IMessageSink diagnostics) : IAsyncLifetime
{
    /// <summary>VectorIndex:Provider of the hosts: "Qdrant" (the stand-in, or QDRANT_URL) or "Postgres" (embedded).</summary>
    public abstract string Provider { get; }

    public static readonly TimeSpan Settle = TimeSpan.FromSeconds(60);
    private readonly string _prefix = $"t{Guid.NewGuid():N}"[..12] + "-";

    public TestDatabase Database { get; private set; } = null!;
    public QdrantUnderTest Qdrant { get; private set; } = null!;
    public RabbitMqUnderTest RabbitMq { get; private set; } = null!;
    public IEmbeddingGenerator<string, Embedding<float>> Embedder { get; } = new MiniLmEmbeddingGenerator();
    public string Alias { get; } = QdrantUnderTest.UniqueAlias("pipeline");
    public string ExchangePrefix => _prefix;
    public string SyncQueue => _prefix + "pattern-sync";
    public ApiHost Api { get; private set; } = null!;
    public WorkerHost Worker { get; set; } = null!;
    /// <summary>The index as the hosts see it, for assertions.</summary>
    public IPatternVectorIndex Index { get; private set; } = null!;
    /// <summary>The Qdrant collections under <see cref="Index"/> (rebuilds, alias switches); only on the Qdrant provider.</summary>
    public QdrantCollections QdrantCollections =>
        _qdrantCollections ?? throw new InvalidOperationException("This pipeline runs on the embedded index.");
    private QdrantCollections? _qdrantCollections;
    private NpgsqlDataSource _dataSource = null!;

    public async Task InitializeAsync()
    {
        Database = await TestDatabase.CreateAsync("pipeline");
        Qdrant = await QdrantUnderTest.StartAsync();
        RabbitMq = await RabbitMqUnderTest.StartAsync();
        _dataSource = NpgsqlDataSource.Create(Database.ConnectionString);
        if (Provider == "Qdrant") _qdrantCollections = Qdrant.CreateCollections(Alias, EmbeddingModel.Of(Embedder));
        Index = _qdrantCollections is { } collections
            ? Qdrant.CreateIndex(collections)
            : new PostgresPatternIndex(_dataSource, EmbeddingModel.Of(Embedder));
        var indexDescription = Provider == "Qdrant" ? Qdrant.Description : "the embedded PostgreSQL index";
        diagnostics.OnMessage(new DiagnosticMessage($"{GetType().Name}: {RabbitMq.Description}; index: {indexDescription}."));
        Api = new ApiHost(this);
        _ = Api.Server;
        Worker = new WorkerHost(this, TimeSpan.Zero).Start();
    }

    /// <summary>A line in the test output (xunit diagnostic messages are on for this project).</summary>
    public void Report(string line) => diagnostics.OnMessage(new DiagnosticMessage(line));

    public void ApplySettings(IWebHostBuilder builder) => builder.UseSettings(
        HostSettings.Services(Database.ConnectionString, _prefix, RabbitMq.Host, RabbitMq.Port).WithIndex(Provider, Qdrant.Url, Alias)
            .With(new Dictionary<string, string>
            {
                ["Database:MigrateOnStart"] = "false",
                ["Embedding:Provider"] = "MiniLM",
                ["Reconciliation:InitialDelay"] = "01:00:00",
                ["Auth:RequireApiKeys"] = "false",
            }));

    public Task<Guid> CreatePatternAsync(HttpClient client, string name) => CreatePatternStaticAsync(client, name);

    public static async Task<Guid> CreatePatternStaticAsync(
        HttpClient client, string name, string description = "Read through Redis with a TTL and jitter.")
    {
        var body = PatternBodies.Caching(name, description, "redis", "caching");
        body["execution_trace"] = new JsonObject
        {
            ["steps"] = new JsonArray("Look up the key in Redis", "On a miss, load from PostgreSQL and set a TTL with jitter"),
        };
        body["quality_metrics"] = new JsonObject { ["accuracy"] = 0.9, ["reliability"] = 0.95 };
        var response = await client.PostAsJsonAsync("/api/v1/patterns", body);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!["pattern_id"]!.GetValue<Guid>();
    }

    public static async Task PatchAsync(HttpClient client, Guid id, string mergePatch)
    {
        var response = await client.PatchAsync($"/api/v1/patterns/{id}",
            new StringContent(mergePatch, System.Text.Encoding.UTF8, "application/merge-patch+json"));
        response.EnsureSuccessStatusCode();
    }

    /// <summary>The vector and payload the index stores for a pattern, read behind the interface's back; null when absent.</summary>
    public async Task<(float[] Vector, PatternPayload Payload)?> StoredPointAsync(Guid id)
    {
        if (Provider == "Qdrant")
        {
            var points = await Qdrant.Client.RetrieveAsync(Alias, id, withPayload: true, withVectors: true);
            if (points.Count == 0) return null;
            return (points[0].Vectors.Vector.Dense.Data.ToArray(), QdrantPayloads.FromValues(points[0].Payload));
        }
        await using var command = _dataSource.CreateCommand(
            $"SELECT embedding, {PayloadColumns.List} FROM pattern_vectors WHERE pattern_id = @id AND NOT deleted");
        command.Parameters.AddWithValue("id", id);
        await using var reader = await command.ExecuteReaderAsync();
        if (!await reader.ReadAsync()) return null;
        return (reader.GetFieldValue<float[]>(0), PayloadColumns.Read(reader, first: 1));
    }

    /// <summary>Waits until the index holds exactly the current rows of these patterns (and no point for absent ones).</summary>
    public Task ConvergedAsync(IReadOnlyCollection<Guid> ids) => Eventually.UntilAsync(async () =>
    {
        await using var db = Database.CreateDbContext();
        var rows = await db.Patterns.AsNoTracking().Where(p => ids.Contains(p.PatternId)).ToDictionaryAsync(p => p.PatternId);
        var held = await Index.GetAsync(ids);
        return ids.All(id => rows.TryGetValue(id, out var row)
            ? held.TryGetValue(id, out var point) && point.Version == row.Version && point.ContentHash == row.ContentHash
              && row.IndexedVersion == row.Version
            : !held.ContainsKey(id));
    }, Settle, $"the index to hold the current state of {ids.Count} patterns");

    public async Task DisposeAsync()
    {
        if (Worker is not null) await Worker.DisposeAsync();
        if (Api is not null) await Api.DisposeAsync();
        if (RabbitMq is not null)
        {
            var exchanges = new[] { "PatternCreated", "PatternUpdated", "PatternDeleted", "PatternOutcomeRecorded" }
                .Select(e => $"{_prefix}PatternSync.Contracts:{e}");
            await RawEventQueue.DeleteEntitiesAsync(
                RabbitMq.Host, RabbitMq.Port, [SyncQueue, SyncQueue + "_error", SyncQueue + "_skipped"], exchanges);
            await RabbitMq.DisposeAsync();
        }
        if (Qdrant is not null) await Qdrant.DisposeAsync();
        if (_dataSource is not null) await _dataSource.DisposeAsync();
        if (Database is not null) await Database.DisposeAsync();
        Embedder.Dispose();
    }
}

public sealed class QdrantPipelineFixture(IMessageSink diagnostics) : PipelineFixture(diagnostics)
{
    public override string Provider => "Qdrant";
}

public sealed class PostgresPipelineFixture(IMessageSink diagnostics) : PipelineFixture(diagnostics)
{
    public override string Provider => "Postgres";
}

/// <summary>The pipeline with Qdrant as the index (the stand-in, or QDRANT_URL).</summary>
[CollectionDefinition(Name)]
public sealed class QdrantPipeline : ICollectionFixture<QdrantPipelineFixture>
{
    public const string Name = "sync pipeline on Qdrant";
}

/// <summary>The pipeline with the embedded PostgreSQL index.</summary>
[CollectionDefinition(Name)]
public sealed class PostgresPipeline : ICollectionFixture<PostgresPipelineFixture>
{
    public const string Name = "sync pipeline on the embedded index";
}

/// <summary>A pipeline of its own, holding only the sample patterns, so other tests' patterns never crowd the rankings.</summary>
[CollectionDefinition(Name)]
public sealed class MatchQualityCollection : ICollectionFixture<PostgresPipelineFixture>
{
    public const string Name = "match quality";
}
