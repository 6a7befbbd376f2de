using Microsoft.Extensions.AI;
using PatternSync.Core.Observability;
using Prometheus;

namespace PatternSync.Core.Embeddings;

/// <summary>
/// Splits large inputs into batches of at most <c>maxBatchSize</c> texts, sent one after another:
/// a model's request limit is never exceeded and memory stays bounded, whatever the caller passes.
/// Each call's size and duration go to the embedding metrics.
/// </summary>
public sealed class BatchingEmbeddingGenerator(IEmbeddingGenerator<string, Embedding<float>> inner, int maxBatchSize)
    : DelegatingEmbeddingGenerator<string, Embedding<float>>(inner)
{
    public override async Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(
        IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        var texts = values as IReadOnlyList<string> ?? values.ToList();
        if (texts.Count <= maxBatchSize) return await MeasuredAsync(texts, options, cancellationToken);

        var all = new GeneratedEmbeddings<Embedding<float>>(texts.Count);
        foreach (var batch in texts.Chunk(maxBatchSize))
        {
            var embeddings = await MeasuredAsync(batch, options, cancellationToken);
            all.AddRange(embeddings);
            if (embeddings.Usage is { } usage)
            {
                all.Usage ??= new UsageDetails();
                all.Usage.Add(usage);
            }
        }
        return all;
    }

    private async Task<GeneratedEmbeddings<Embedding<float>>> MeasuredAsync(
        IReadOnlyList<string> batch, EmbeddingGenerationOptions? options, CancellationToken cancellationToken)
    {
        SyncWorkerMetrics.EmbeddingBatchSize.Observe(batch.Count);
        using (SyncWorkerMetrics.EmbeddingDuration.NewTimer())
            return await base.GenerateAsync(batch, options, cancellationToken);
    }
}
