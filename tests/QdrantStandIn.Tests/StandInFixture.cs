using Qdrant.Client;
using Qdrant.Client.Grpc;

namespace QdrantStandIn.Tests;

/// <summary>One stand-in server and one real client shared by a test class; each test uses its own collections.</summary>
public sealed class StandInFixture : IAsyncLifetime
{
    public QdrantStandInServer Server { get; private set; } = null!;

    public QdrantClient Client { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Server = await QdrantStandInServer.StartAsync();
        Client = new QdrantClient("127.0.0.1", Server.Port, https: false);
    }

    public async Task DisposeAsync()
    {
        Client.Dispose();
        await Server.DisposeAsync();
    }

    public async Task<string> NewCollectionAsync(ulong dimension = 3, Distance distance = Distance.Cosine)
    {
        var name = "c_" + Guid.NewGuid().ToString("N");
        await Client.CreateCollectionAsync(name, new VectorParams { Size = dimension, Distance = distance });
        return name;
    }
}
