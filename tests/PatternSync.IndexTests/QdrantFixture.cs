using PatternSync.Testing;

namespace PatternSync.IndexTests;

public sealed class QdrantFixture : IAsyncLifetime
{
    public QdrantUnderTest Qdrant { get; private set; } = null!;

    public async Task InitializeAsync() => Qdrant = await QdrantUnderTest.StartAsync();

    public async Task DisposeAsync() => await Qdrant.DisposeAsync();
}
