using Microsoft.Extensions.AI;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;
using PatternSync.Core.Embeddings;
using PatternSync.Core.Observability;

namespace PatternSync.PatternApi.Matching;

/// <summary>
/// Embeds match queries, remembering the last ones (bounded in bytes, keyed by model and text): repeated
/// intents skip the model, the slowest step of a match. Hits and misses are counted.
/// </summary>
public sealed class QueryEmbeddingCache(
    IEmbeddingGenerator<string, Embedding<float>> embedder, EmbeddingModel model, IOptions<MatchingOptions> options) : IDisposable
{
    private readonly MemoryCache _cache = new(new MemoryCacheOptions { SizeLimit = options.Value.QueryCacheBytes, TrackStatistics = true });

    /// <summary>The bytes the cached entries are counted as; never above <see cref="MatchingOptions.QueryCacheBytes"/>.</summary>
    public long CachedBytes => _cache.GetCurrentStatistics()?.CurrentEstimatedSize ?? 0;

    public async Task<ReadOnlyMemory<float>> EmbedAsync(string text, CancellationToken cancellationToken)
    {
        var key = $"{model.Name}\n{text}";
        if (_cache.TryGetValue(key, out ReadOnlyMemory<float> vector))
        {
            PatternMetrics.QueryEmbeddingCache.WithLabels("hit").Inc();
            return vector;
        }
        PatternMetrics.QueryEmbeddingCache.WithLabels("miss").Inc();
        vector = (await embedder.GenerateAsync(text, cancellationToken: cancellationToken)).Vector;
        // An entry that would pass the limit is not kept, and the cache compacts its least recently used ones.
        _cache.Set(key, vector, new MemoryCacheEntryOptions { Size = sizeof(char) * key.Length + sizeof(float) * vector.Length });
        return vector;
    }

    public void Dispose() => _cache.Dispose();
}
