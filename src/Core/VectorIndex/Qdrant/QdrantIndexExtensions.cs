using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Qdrant.Client;

namespace PatternSync.Core.VectorIndex.Qdrant;

public static class QdrantIndexExtensions
{
    /// <summary>Registers the Qdrant client (gRPC) and <see cref="QdrantPatternIndex"/> as the <see cref="IPatternVectorIndex"/>, rebuilt by <see cref="QdrantIndexRebuilds"/>.</summary>
    public static IHostApplicationBuilder AddQdrantPatternIndex(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<QdrantOptions>().BindConfiguration("Qdrant").ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton(services =>
        {
            var options = services.GetRequiredService<IOptions<QdrantOptions>>().Value;
            return new QdrantClient(options.Url, options.ApiKey, TimeSpan.FromSeconds(options.TimeoutSeconds));
        });
        builder.Services.AddSingleton<QdrantPatternIndex>();
        builder.Services.AddSingleton<IPatternVectorIndex>(services => services.GetRequiredService<QdrantPatternIndex>());
        builder.Services.AddSingleton<IPatternIndexRebuilds, QdrantIndexRebuilds>();
        return builder;
    }
}
