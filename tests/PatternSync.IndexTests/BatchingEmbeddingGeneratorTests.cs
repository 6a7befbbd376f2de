using Microsoft.Extensions.AI;
using PatternSync.Core.Embeddings;

namespace PatternSync.IndexTests;

public sealed class BatchingEmbeddingGeneratorTests
{
    [Fact]
    public async Task Splits_large_inputs_into_batches_and_keeps_the_order()
    {
        var inner = new RecordingGenerator();
        var generator = new BatchingEmbeddingGenerator(inner, maxBatchSize: 64);
        var texts = Enumerable.Range(0, 150).Select(i => i.ToString()).ToList();

        var embeddings = await generator.GenerateAsync(texts);

        Assert.Equal([64, 64, 22], inner.BatchSizes);
        Assert.Equal(Enumerable.Range(0, 150).Select(i => (float)i), embeddings.Select(e => e.Vector.Span[0]));
        Assert.Equal(150, embeddings.Usage!.InputTokenCount);
    }

    [Fact]
    public async Task A_small_input_is_one_call()
    {
        var inner = new RecordingGenerator();

        await new BatchingEmbeddingGenerator(inner, maxBatchSize: 64).GenerateAsync(["1", "2"]);

        Assert.Equal([2], inner.BatchSizes);
    }

    /// <summary>Embeds "n" as [n] and reports one token per text.</summary>
    private sealed class RecordingGenerator : IEmbeddingGenerator<string, Embedding<float>>
    {
        public List<int> BatchSizes { get; } = [];

        public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(
            IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
        {
            var texts = values.ToList();
            BatchSizes.Add(texts.Count);
            var embeddings = texts.Select(t => new Embedding<float>(new[] { float.Parse(t) }));
            return Task.FromResult(new GeneratedEmbeddings<Embedding<float>>(embeddings)
            {
                Usage = new UsageDetails { InputTokenCount = texts.Count },
            });
        }

        public object? GetService(Type serviceType, object? serviceKey = null) => null;
        public void Dispose() { }
    }
}
