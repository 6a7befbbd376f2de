using Microsoft.Extensions.AI;
using PatternSync.Core.Embeddings;

namespace PatternSync.IndexTests;

public sealed class MiniLmEmbeddingGeneratorTests(MiniLmFixture fixture) : IClassFixture<MiniLmFixture>
{
    private readonly IEmbeddingGenerator<string, Embedding<float>> _generator = fixture.Generator;

    [Fact]
    public async Task Makes_normalised_384_dimensional_vectors()
    {
        var embedding = await _generator.GenerateAsync("optimize database query performance");

        Assert.Equal(384, embedding.Vector.Length);
        Assert.Equal(1.0, Math.Sqrt(embedding.Vector.ToArray().Sum(x => (double)x * x)), 3);
        Assert.Equal(new EmbeddingModel("all-MiniLM-L6-v2", 384), EmbeddingModel.Of(_generator));
    }

    [Fact]
    public async Task Similar_meanings_are_closer_than_unrelated_ones()
    {
        var vectors = await _generator.GenerateAsync(
            ["optimize database query performance", "speed up slow SQL queries", "bake a chocolate cake"]);

        var related = Cosine(vectors[0], vectors[1]);
        var unrelated = Cosine(vectors[0], vectors[2]);
        Assert.True(related > 0.6, $"related {related}");
        Assert.True(unrelated < 0.3, $"unrelated {unrelated}");
    }

    [Fact]
    public async Task A_batch_gives_the_same_vectors_in_the_same_order_as_single_calls_and_concurrent_calls()
    {
        // Lengths vary and are out of order, because a batch is encoded sorted by length in micro-batches.
        string[] texts =
        [
            "retry with exponential backoff and jitter so that clients do not retry in lockstep after an outage",
            "cache-aside with Redis", "blue-green deployment", "expand and contract migration for a column rename without downtime",
            "idempotency keys", "circuit breaker around the payment provider", "outbox",
        ];

        var batch = await _generator.GenerateAsync(texts);
        var singles = await Task.WhenAll(texts.Select(t => _generator.GenerateAsync(t)));

        for (var i = 0; i < texts.Length; i++)
            Assert.True(Cosine(batch[i], singles[i]) > 0.9999, $"text {i} differs between batch and single call");
    }

    private static double Cosine(Embedding<float> a, Embedding<float> b)
    {
        var x = a.Vector.Span;
        var y = b.Vector.Span;
        double dot = 0, nx = 0, ny = 0;
        for (var i = 0; i < x.Length; i++) { dot += x[i] * y[i]; nx += x[i] * x[i]; ny += y[i] * y[i]; }
        return dot / Math.Sqrt(nx * ny);
    }
}

/// <summary>One model load for the class (about half a second).</summary>
public sealed class MiniLmFixture : IDisposable
{
    public IEmbeddingGenerator<string, Embedding<float>> Generator { get; } = new MiniLmEmbeddingGenerator();
    public void Dispose() => Generator.Dispose();
}
