using Grpc.Core;
using Qdrant.Client.Grpc;

namespace QdrantStandIn.Tests;

public sealed class AliasTests(StandInFixture fixture) : IClassFixture<StandInFixture>
{
    private readonly Qdrant.Client.QdrantClient _client = fixture.Client;

    private static string NewAlias() => "alias_" + Guid.NewGuid().ToString("N");

    [Fact]
    public async Task Alias_is_resolved_by_every_collection_call_and_can_be_renamed_and_deleted()
    {
        var name = await fixture.NewCollectionAsync();
        var alias = NewAlias();
        var renamed = NewAlias();

        await _client.CreateAliasAsync(alias, name);
        await _client.UpsertAsync(alias, [TestData.Point(1, [1f, 0f, 0f])]);

        Assert.True(await _client.CollectionExistsAsync(alias));
        Assert.Equal(1ul, (await _client.GetCollectionInfoAsync(alias)).PointsCount);
        Assert.Single(await _client.SearchDeprecatedAsync(alias, new[] { 1f, 0f, 0f }));
        Assert.Equal([alias], await _client.ListCollectionAliasesAsync(name));
        Assert.Contains(await _client.ListAliasesAsync(), a => a.AliasName == alias && a.CollectionName == name);

        await _client.RenameAliasAsync(alias, renamed);

        Assert.Equal([renamed], await _client.ListCollectionAliasesAsync(name));
        var gone = await Assert.ThrowsAsync<RpcException>(() => _client.CountAsync(alias));
        Assert.Equal(StatusCode.NotFound, gone.StatusCode);
        Assert.Equal(1ul, await _client.CountAsync(renamed));

        await _client.DeleteAliasAsync(renamed);

        Assert.Empty(await _client.ListCollectionAliasesAsync(name));
        Assert.True(await _client.CollectionExistsAsync(name));
    }

    [Fact]
    public async Task Failing_alias_batch_changes_nothing()
    {
        var name = await fixture.NewCollectionAsync();
        var alias = NewAlias();

        var error = await Assert.ThrowsAsync<RpcException>(() => _client.UpdateAliasesAsync(
        [
            new AliasOperations { CreateAlias = new CreateAlias { AliasName = alias, CollectionName = name } },
            new AliasOperations { DeleteAlias = new DeleteAlias { AliasName = NewAlias() } },
        ]));

        Assert.Equal(StatusCode.NotFound, error.StatusCode);
        Assert.False(fixture.Server.State.Aliases.ContainsKey(alias));
    }

    [Fact]
    public async Task Alias_swap_is_atomic_for_concurrent_searches()
    {
        var blue = await fixture.NewCollectionAsync();
        var green = await fixture.NewCollectionAsync();
        await _client.UpsertAsync(blue, [TestData.Point(1, [1f, 0f, 0f])]);
        await _client.UpsertAsync(green, [TestData.Point(2, [1f, 0f, 0f])]);
        var live = NewAlias();
        await _client.CreateAliasAsync(live, blue);

        using var stop = new CancellationTokenSource();
        var searches = 0;
        var readers = Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                // Throws (and so fails the test) if the alias is ever missing mid-swap.
                var hit = Assert.Single(await _client.SearchDeprecatedAsync(live, new[] { 1f, 0f, 0f }));
                Assert.Contains(hit.Id.Num, new[] { 1ul, 2ul });
                Interlocked.Increment(ref searches);
            }
        })).ToList();

        for (var swap = 0; swap < 60; swap++)
        {
            var target = swap % 2 == 0 ? green : blue;
            await _client.UpdateAliasesAsync(
            [
                new AliasOperations { DeleteAlias = new DeleteAlias { AliasName = live } },
                new AliasOperations { CreateAlias = new CreateAlias { AliasName = live, CollectionName = target } },
            ]);
            await Task.Delay(5);
        }

        await stop.CancelAsync();
        await Task.WhenAll(readers);
        Assert.True(searches > 60, $"only {searches} searches ran during the swaps");
        Assert.Equal(blue, fixture.Server.State.Aliases[live]);
    }
}
