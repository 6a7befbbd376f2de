using Microsoft.Extensions.AI;

namespace SyncPipeline.IntegrationTests;

/// <summary>Counts the texts a worker embeds, and can slow it down to provoke races.</summary>
public sealed class CountingEmbeddingGenerator(IEmbeddingGenerator<string, Embedding<float>> inner, TimeSpan delay)
    : DelegatingEmbeddingGenerator<string, Embedding<float>>(inner)
{
    private static int _texts;
    public static int Texts => Volatile.Read(ref _texts);

    public override async Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(
        IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        var texts = values.ToList();
        if (delay > TimeSpan.Zero) await Task.Delay(delay, cancellationToken);
        Interlocked.Add(ref _texts, texts.Count);
        return await base.GenerateAsync(texts, options, cancellationToken);
    }

    // The shared model outlives every worker host of the run.
    protected override void Dispose(bool disposing) { }
}
