using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Qdrant.Client;

namespace PatternSync.Core.VectorIndex.Qdrant;

public static class QdrantIndexExtensions
{
    /// <summary>
    /// Registers the Qdrant client (gRPC), <see cref="QdrantPatternIndex"/> as the <see cref="IPatternVectorIndex"/> and
    /// <see cref="QdrantIndexRebuilds"/>, both over one <see cref="QdrantCollections"/>, so each sees an alias change at once.
    /// </summary>
    public static IHostApplicationBuilder AddQdrantPatternIndex(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<QdrantOptions>().BindConfiguration("Qdrant").ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton(services =>
        {
            var options = services.GetRequiredService<IOptions<QdrantOptions>>().Value;
            return new QdrantClient(options.Url, options.ApiKey, TimeSpan.FromSeconds(options.TimeoutSeconds));
        });
        builder.Services.AddSingleton<QdrantCollections>();
        builder.Services.AddSingleton<IPatternVectorIndex, QdrantPatternIndex>();
        builder.Services.AddSingleton<IPatternIndexRebuilds, QdrantIndexRebuilds>();
        return builder;
    }
}
