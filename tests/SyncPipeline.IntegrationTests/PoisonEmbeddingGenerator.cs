using Microsoft.Extensions.AI;

namespace SyncPipeline.IntegrationTests;

/// <summary>Fails every call whose texts include <see cref="Marker"/>, as a text the model always rejects would.</summary>
public sealed class PoisonEmbeddingGenerator(IEmbeddingGenerator<string, Embedding<float>> inner)
    : DelegatingEmbeddingGenerator<string, Embedding<float>>(inner)
{
    public const string Marker = "[poison]";

    public override Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(
        IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        var texts = values.ToList();
        if (texts.Any(text => text.Contains(Marker, StringComparison.Ordinal)))
            throw new InvalidOperationException("The model rejects this text.");
        return base.GenerateAsync(texts, options, cancellationToken);
    }

    // The shared model outlives every worker host of the run.
    protected override void Dispose(bool disposing) { }
}
