using Microsoft.Extensions.Diagnostics.HealthChecks;
using PatternSync.Core.Embeddings;
using PatternSync.Core.Hosting;
using PatternSync.Core.Messaging;
using PatternSync.Core.VectorIndex;
using PatternSync.PatternApi.Idempotency;
using PatternSync.PatternApi.Matching;
using PatternSync.PatternApi.Operations;
using PatternSync.PatternApi.Security;
using PatternSync.Core.Persistence;
using PatternSync.PatternApi.Outbox;
using PatternSync.PatternApi.Patterns;

namespace PatternSync.PatternApi.Extensions;

public static class ApplicationExtensions
{
    public static IHostApplicationBuilder AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.AddPatternStore();
        builder.AddPatternBus();
        builder.AddOutboxRelay();
        builder.AddPatternChanges();
        builder.AddPatternEmbeddings();
        builder.AddPatternVectorIndex();
        builder.Services.AddOptions<MatchingOptions>().BindConfiguration("Matching").ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<QueryEmbeddingCache>();
        builder.Services.AddScoped<PatternMatcher>();
        builder.Services.AddOptions<ApiOptions>().BindConfiguration("Api").ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddOpenApi();
        builder.AddApiSecurity();
        builder.Services.AddSingleton<EmbedderHealthCheck>();
        builder.Services.AddHealthChecks()
            .AddCheck<VectorIndexHealthCheck>("vector-index", tags: [ServiceDefaults.ReadyTag])
            .AddCheck<EmbedderHealthCheck>("embedder", tags: [ServiceDefaults.ReadyTag])
            .AddCheck<SyncLagHealthCheck>("sync-lag", HealthStatus.Degraded, [ServiceDefaults.ReadyTag]);
        builder.Services.AddOptions<SyncLagOptions>().BindConfiguration("SyncLag");
        builder.Services.AddOptions<SyncRequestOptions>().BindConfiguration("SyncRequests").ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddScoped<SyncRequests>();
        builder.Services.AddSingleton<SyncHistory>();
        builder.Services.AddHostedService(services => services.GetRequiredService<SyncHistory>());
        return builder;
    }
}
