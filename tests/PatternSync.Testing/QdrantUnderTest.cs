using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using PatternSync.Core.Embeddings;
using PatternSync.Core.VectorIndex;
using PatternSync.Core.VectorIndex.Qdrant;
using Qdrant.Client;
using QdrantStandIn;

namespace PatternSync.Testing;

/// <summary>
/// The Qdrant the tests talk to: a real one when QDRANT_URL is set (its gRPC endpoint, e.g.
/// http://127.0.0.1:6334), otherwise the in-process stand-in. Tests isolate themselves by using
/// an alias of their own (<see cref="CreateIndex"/>).
/// </summary>
public sealed class QdrantUnderTest : IAsyncDisposable
{
    private QdrantUnderTest(Uri url, QdrantStandInServer? standIn)
    {
        Url = url;
        StandIn = standIn;
        Client = new QdrantClient(url);
    }

    public Uri Url { get; }
    /// <summary>Null when the tests run against a real Qdrant.</summary>
    public QdrantStandInServer? StandIn { get; }
    public QdrantClient Client { get; }
    public string Description => StandIn is null ? $"real Qdrant at {Url}" : $"Qdrant stand-in at {Url}";

    public static async Task<QdrantUnderTest> StartAsync()
    {
        var real = Environment.GetEnvironmentVariable("QDRANT_URL");
        if (!string.IsNullOrEmpty(real)) return new QdrantUnderTest(new Uri(real), null);
        var standIn = await QdrantStandInServer.StartAsync();
        return new QdrantUnderTest(new Uri(standIn.Url), standIn);
    }

    public QdrantOptions Options(string alias) => new() { Url = Url, Alias = alias };

    /// <summary>The collections behind an alias, as one host sees them (their lifecycle: rebuilds, alias switches).</summary>
    public QdrantCollections CreateCollections(string alias, EmbeddingModel model) =>
        new(Client, Microsoft.Extensions.Options.Options.Create(Options(alias)), model, NullLogger<QdrantCollections>.Instance);

    /// <summary>The index over these collections: it sees their alias changes at once, as in one host.</summary>
    public IPatternVectorIndex CreateIndex(QdrantCollections collections) => new QdrantPatternIndex(Client, collections);

    public IPatternVectorIndex CreateIndex(string alias, EmbeddingModel model) => CreateIndex(CreateCollections(alias, model));

    public static string UniqueAlias(string purpose) => $"test_{purpose}_{Guid.NewGuid():N}"[..40];

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        if (StandIn is not null) await StandIn.DisposeAsync();
    }
}
