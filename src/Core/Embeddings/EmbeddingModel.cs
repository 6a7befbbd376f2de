using Microsoft.Extensions.AI;

namespace PatternSync.Core.Embeddings;

/// <summary>The configured generator's model: its name goes into query_metadata.embedding_model, its dimension sizes the index.</summary>
public sealed record EmbeddingModel(string Name, int Dimensions)
{
    /// <summary>How the index records the model its vectors come from.</summary>
    public string Key => $"{Name}/{Dimensions}";

    public static EmbeddingModel Of(IEmbeddingGenerator<string, Embedding<float>> generator)
    {
        var metadata = generator.GetService<EmbeddingGeneratorMetadata>()
            ?? throw new InvalidOperationException("The embedding generator does not describe its model.");
        return new EmbeddingModel(
            metadata.DefaultModelId ?? throw new InvalidOperationException("The embedding generator does not name its model."),
            metadata.DefaultModelDimensions
                ?? throw new InvalidOperationException("The embedding generator does not give its dimensions."));
    }
}
