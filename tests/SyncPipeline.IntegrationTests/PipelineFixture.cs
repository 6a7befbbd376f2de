using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.AI;
using PatternSync.Core.Embeddings;
using PatternSync.Core.VectorIndex;
using PatternSync.Core.VectorIndex.Qdrant;
using PatternSync.Testing;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace SyncPipeline.IntegrationTests;

/// <summary>
/// The whole pipeline on real services: PostgreSQL, RabbitMQ (Testcontainers where Docker answers,
/// else the services script's broker), the Qdrant stand-in (or QDRANT_URL), the real MiniLM model,
/// the API host with its relay and a worker host. Names are prefixed per run, so runs never meet.
/// </summary>
public sealed class PipelineFixture(IMessageSink diagnostics) : IAsyncLifetime
{
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
    public QdrantPatternIndex Index { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Database = await TestDatabase.CreateAsync("pipeline");
        Qdrant = await QdrantUnderTest.StartAsync();
        RabbitMq = await RabbitMqUnderTest.StartAsync();
        diagnostics.OnMessage(new DiagnosticMessage($"Sync pipeline tests use {RabbitMq.Description} and the {Qdrant.Description}."));
        Index = Qdrant.CreateIndex(Alias, EmbeddingModel.Of(Embedder));
        Api = new ApiHost(this);
        _ = Api.Server;
        Worker = new WorkerHost(this, TimeSpan.Zero).Start();
    }

    /// <summary>A line in the test output (xunit diagnostic messages are on for this project).</summary>
    public void Report(string line) => diagnostics.OnMessage(new DiagnosticMessage(line));

    public void ApplySettings(IWebHostBuilder builder) => builder
        .UseSetting("ConnectionStrings:Patterns", Database.ConnectionString)
        .UseSetting("Database:MigrateOnStart", "false")
        .UseSetting("RabbitMq:Host", RabbitMq.Host)
        .UseSetting("RabbitMq:Port", RabbitMq.Port.ToString())
        .UseSetting("RabbitMq:EntityPrefix", _prefix)
        .UseSetting("VectorIndex:Provider", "Qdrant")
        .UseSetting("Qdrant:Url", Qdrant.Url.ToString())
        .UseSetting("Qdrant:Collection", Alias)
        .UseSetting("Embedding:Provider", "MiniLM");

    public Task<Guid> CreatePatternAsync(HttpClient client, string name) => CreatePatternStaticAsync(client, name);

    public static async Task<Guid> CreatePatternStaticAsync(HttpClient client, string name, string description = "Read through Redis with a TTL and jitter.")
    {
        var response = await client.PostAsJsonAsync("/api/v1/patterns", new JsonObject
        {
            ["pattern_type"] = "caching",
            ["name"] = name,
            ["description"] = description,
            ["execution_trace"] = new JsonObject { ["steps"] = new JsonArray("Look up the key in Redis", "On a miss, load from PostgreSQL and set a TTL with jitter") },
            ["quality_metrics"] = new JsonObject { ["accuracy"] = 0.9, ["reliability"] = 0.95 },
            ["tags"] = new JsonArray("redis", "caching"),
        });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!["pattern_id"]!.GetValue<Guid>();
    }

    public static async Task PatchAsync(HttpClient client, Guid id, string mergePatch)
    {
        var response = await client.PatchAsync($"/api/v1/patterns/{id}",
            new StringContent(mergePatch, System.Text.Encoding.UTF8, "application/merge-patch+json"));
        response.EnsureSuccessStatusCode();
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
            await RawEventQueue.DeleteEntitiesAsync(RabbitMq.Host, RabbitMq.Port, [SyncQueue, SyncQueue + "_error", SyncQueue + "_skipped"],
                new[] { "PatternCreated", "PatternUpdated", "PatternDeleted", "PatternOutcomeRecorded" }.Select(e => $"{_prefix}PatternSync.Contracts:{e}"));
            await RabbitMq.DisposeAsync();
        }
        if (Qdrant is not null) await Qdrant.DisposeAsync();
        if (Database is not null) await Database.DisposeAsync();
        Embedder.Dispose();
    }
}

[CollectionDefinition(Name)]
public sealed class PipelineCollection : ICollectionFixture<PipelineFixture>
{
    public const string Name = "sync pipeline";
}

/// <summary>A pipeline of its own, holding only the sample patterns, so other tests' patterns never crowd the rankings.</summary>
[CollectionDefinition(Name)]
public sealed class MatchQualityCollection : ICollectionFixture<PipelineFixture>
{
    public const string Name = "match quality";
}
