using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace PatternSync.Core.Embeddings;

public static class EmbeddingExtensions
{
    /// <summary>
    /// Registers the configured <see cref="IEmbeddingGenerator{TInput,TEmbedding}"/> (batched) and
    /// the <see cref="EmbeddingModel"/> it uses.
    /// </summary>
    public static IHostApplicationBuilder AddPatternEmbeddings(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<EmbeddingOptions>().BindConfiguration("Embedding").ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<IEmbeddingGenerator<string, Embedding<float>>>(services =>
        {
            var options = services.GetRequiredService<IOptions<EmbeddingOptions>>().Value;
            var model = options.UsesOpenAI
                ? OpenAIEmbeddingGeneratorFactory.Create(options.OpenAI,
                    services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(TruncatingEmbeddingGenerator).FullName!))
                : new MiniLmEmbeddingGenerator();
            return new BatchingEmbeddingGenerator(model, options.MaxBatchSize);
        });
        builder.Services.AddSingleton(services =>
            EmbeddingModel.Of(services.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>()));
        return builder;
    }
}
