using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using PatternSync.Core.Hosting;
using Grpc.Core.Interceptors;
using Grpc.Net.Client;
using Qdrant.Client;
using Qdrant.Client.Grpc;

namespace PatternSync.Core.VectorIndex.Qdrant;

public static class QdrantIndexExtensions
{
    /// <summary>
    /// Registers the Qdrant client (gRPC), <see cref="QdrantPatternIndex"/> and <see cref="QdrantIndexRebuilds"/>
    /// (keyed <see cref="VectorIndexProvider.Qdrant"/>), both over one <see cref="QdrantCollections"/>,
    /// so each sees an alias change at once.
    /// </summary>
    public static IHostApplicationBuilder AddQdrantPatternIndex(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<QdrantOptions>().BindConfiguration("Qdrant")
            .BindRenamedKey("Qdrant:Collection", "Qdrant:Alias").ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton(services =>
        {
            var options = services.GetRequiredService<IOptions<QdrantOptions>>().Value;
            // After an outage the channel must reconnect within seconds: its default backoff grows to 120 s between attempts.
            var channel = GrpcChannel.ForAddress(options.Url, new GrpcChannelOptions { MaxReconnectBackoff = TimeSpan.FromSeconds(2) });
            var invoker = string.IsNullOrEmpty(options.ApiKey)
                ? channel.CreateCallInvoker()
                : channel.Intercept(metadata => { metadata.Add("api-key", options.ApiKey); return metadata; });
            return new QdrantClient(new QdrantGrpcClient(invoker), TimeSpan.FromSeconds(options.TimeoutSeconds));
        });
        builder.Services.AddSingleton<QdrantCollections>();
        builder.Services.AddKeyedSingleton<IPatternVectorIndex, QdrantPatternIndex>(VectorIndexProvider.Qdrant);
        builder.Services.AddKeyedSingleton<IPatternIndexRebuilds, QdrantIndexRebuilds>(VectorIndexProvider.Qdrant);
        return builder;
    }
}
