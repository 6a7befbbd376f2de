using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;
using PatternSync.Core.Embeddings;
using PatternSync.PatternApi.Matching;

namespace PatternSync.UnitTests;

/// <summary>The query-embedding cache is bounded by the bytes of its keys and vectors, not by a count.</summary>
public sealed class QueryEmbeddingCacheTests
{
    private const int Dimensions = 1000; // 4000 bytes a vector

    [Fact]
    public async Task The_cached_bytes_never_pass_the_limit_however_many_queries_come()
    {
        const long limit = 10 * Dimensions * sizeof(float);
        var embedder = new CountingEmbedder();
        using var cache = Cache(embedder, limit);

        for (var i = 0; i < 200; i++)
        {
            await cache.EmbedAsync($"query {i}", CancellationToken.None);
            Assert.InRange(cache.CachedBytes, 1, limit);
        }
        Assert.Equal(200, embedder.Calls);
    }

    [Fact]
    public async Task A_query_whose_text_alone_passes_the_limit_is_not_kept_and_a_small_one_is()
    {
        var embedder = new CountingEmbedder();
        using var cache = Cache(embedder, limit: 64 * 1024);
        var huge = new string('q', 40_000); // 80,000 bytes of key: one entry of a count-bound cache, too many bytes here

        await cache.EmbedAsync(huge, CancellationToken.None);
        await cache.EmbedAsync(huge, CancellationToken.None);
        await cache.EmbedAsync("small", CancellationToken.None);
        await cache.EmbedAsync("small", CancellationToken.None);

        Assert.Equal(3, embedder.Calls);
        Assert.Equal(sizeof(char) * ("m\nsmall".Length) + sizeof(float) * Dimensions, cache.CachedBytes);
    }

    private static QueryEmbeddingCache Cache(CountingEmbedder embedder, long limit) =>
        new(embedder, new EmbeddingModel("m", Dimensions), Options.Create(new MatchingOptions { QueryCacheBytes = limit }));

    private sealed class CountingEmbedder : IEmbeddingGenerator<string, Embedding<float>>
    {
        public int Calls { get; private set; }

        public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values,
            EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
        {
            Calls++;
            return Task.FromResult(
                new GeneratedEmbeddings<Embedding<float>>(values.Select(_ => new Embedding<float>(new float[Dimensions]))));
        }

        public object? GetService(Type serviceType, object? serviceKey = null) => null;
        public void Dispose() { }
    }
}
