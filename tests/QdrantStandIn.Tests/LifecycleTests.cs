using Grpc.Core;
using Qdrant.Client;
using Qdrant.Client.Grpc;

namespace QdrantStandIn.Tests;

/// <summary>Each test owns its server, since these tests take it down.</summary>
public sealed class LifecycleTests
{
    [Fact]
    public async Task Stopped_server_is_unavailable_and_comes_back_on_the_same_port_with_its_data()
    {
        await using var server = await QdrantStandInServer.StartAsync();
        using var client = new QdrantClient("127.0.0.1", server.Port, https: false);
        await client.CreateCollectionAsync("patterns", new VectorParams { Size = 2, Distance = Distance.Cosine });
        await client.UpsertAsync("patterns", [TestData.Point(1, [1f, 1f], new() { ["kind"] = "bug" })]);
        var port = server.Port;

        await server.StopAsync();

        var down = await Assert.ThrowsAsync<RpcException>(() => client.HealthAsync());
        Assert.Equal(StatusCode.Unavailable, down.StatusCode);
        var downSearch = await Assert.ThrowsAsync<RpcException>(() => client.SearchDeprecatedAsync("patterns", new[] { 1f, 0f }));
        Assert.Equal(StatusCode.Unavailable, downSearch.StatusCode);
        Assert.Equal(1, server.State.PointCount("patterns"));

        await server.RestartAsync();

        Assert.Equal(port, server.Port);
        Assert.Equal($"http://127.0.0.1:{port}", server.Url);
        using var fresh = new QdrantClient("127.0.0.1", port, https: false);
        var hit = Assert.Single(await fresh.SearchDeprecatedAsync("patterns", new[] { 1f, 0f }));
        Assert.Equal(1ul, hit.Id.Num);
        Assert.Equal("bug", hit.Payload["kind"].StringValue);
        // The old client's channel is in gRPC's reconnect backoff after the refused connections,
        // just as it would be against a real Qdrant that went away; it recovers on its own.
        Assert.Equal(1ul, await EventuallyAsync(() => client.CountAsync("patterns")));
    }

    private static async Task<T> EventuallyAsync<T>(Func<Task<T>> call)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (true)
        {
            try
            {
                return await call();
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.Unavailable && DateTime.UtcNow < deadline)
            {
                await Task.Delay(200);
            }
        }
    }

    [Fact]
    public async Task Server_started_on_a_given_port_listens_there()
    {
        int port;
        await using (var probe = await QdrantStandInServer.StartAsync())
        {
            port = probe.Port;
        }

        await using var server = await QdrantStandInServer.StartAsync(port);
        using var client = new QdrantClient("127.0.0.1", port, https: false);

        Assert.Equal(port, server.Port);
        Assert.Equal("qdrant - vector search engine", (await client.HealthAsync()).Title);
    }
}
