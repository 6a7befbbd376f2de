using Microsoft.Extensions.AI;

namespace SyncPipeline.IntegrationTests;

/// <summary>An embedder of another model (8 dimensions), as a worker not yet rolled to the index's model has.</summary>
public sealed class OtherModelEmbedder : IEmbeddingGenerator<string, Embedding<float>>
{
    private readonly EmbeddingGeneratorMetadata _metadata = new("test", null, "other-model", 8);

    public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(
        IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default) =>
        Task.FromResult(new GeneratedEmbeddings<Embedding<float>>(
            values.Select(_ => new Embedding<float>(new float[] { 1, 0, 0, 0, 0, 0, 0, 0 }))));

    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceType == typeof(EmbeddingGeneratorMetadata) ? _metadata : serviceType.IsInstanceOfType(this) ? this : null;

    public void Dispose() { }
}

/// <summary>Fails every batch holding a text with the marker, as a text the model or provider rejects would.</summary>
public sealed class PoisonTextEmbedder(IEmbeddingGenerator<string, Embedding<float>> inner, string marker)
    : DelegatingEmbeddingGenerator<string, Embedding<float>>(inner)
{
    public override Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(
        IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        var texts = values.ToList();
        if (texts.Any(text => text.Contains(marker))) throw new InvalidOperationException($"The embedder rejects a text with '{marker}'.");
        return base.GenerateAsync(texts, options, cancellationToken);
    }

    protected override void Dispose(bool disposing) { }
}

/// <summary>Records how many texts each call embeds.</summary>
public sealed class BatchSizeRecorder(IEmbeddingGenerator<string, Embedding<float>> inner)
    : DelegatingEmbeddingGenerator<string, Embedding<float>>(inner)
{
    public System.Collections.Concurrent.ConcurrentQueue<int> Batches { get; } = new();

    public override Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values,
        EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        var texts = values.ToList();
        Batches.Enqueue(texts.Count);
        return base.GenerateAsync(texts, options, cancellationToken);
    }

    protected override void Dispose(bool disposing) { }
}
