using Microsoft.Extensions.Diagnostics.HealthChecks;
using PatternSync.Core.Embeddings;
using PatternSync.Core.Hosting;
using PatternSync.Core.Observability;
using PatternSync.Core.Serialization;
using PatternSync.PatternApi.Confidence;
using PatternSync.PatternApi.Http;
using PatternSync.ServiceDefaults;
using PatternSync.Core.Messaging;
using PatternSync.Core.VectorIndex;
using PatternSync.PatternApi.Idempotency;
using PatternSync.PatternApi.Matching;
using PatternSync.PatternApi.Mcp;
using PatternSync.PatternApi.Operations;
using PatternSync.PatternApi.Security;
using PatternSync.Core.Persistence;
using PatternSync.PatternApi.Outbox;
using PatternSync.PatternApi.Patterns;
using PatternSync.PatternApi.Ranking;
using PatternSync.PatternApi.Retrieval;

namespace PatternSync.PatternApi.Extensions;

public static class ApplicationExtensions
{
    public static IHostApplicationBuilder AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.AddPatternDatabase();
        builder.Services.ConfigureHttpJsonOptions(options => PatternJson.Configure(options.SerializerOptions));
        builder.AddExceptionStatusCodes();
        builder.AddPatternBus();
        builder.AddOutboxRelay();
        builder.AddPatternChanges();
        builder.AddPatternEmbeddings();
        builder.AddPatternVectorIndex();
        builder.Services.AddOptions<MatchingOptions>().BindConfiguration("Matching").ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<QueryEmbeddingCache>();
        builder.AddPatternRetrieval();
        builder.Services.AddScoped<PatternMatcher>();
        builder.AddConfidenceCalibration();
        builder.AddPatternRanking();
        builder.AddMatchRecords();
        builder.AddRequestLimits();
        builder.Services.AddOpenApi();
        builder.AddApiSecurity();
        builder.AddPatternMcp();
        builder.Services.AddOptions<EmbedderProbeOptions>().BindConfiguration("Health").ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<EmbedderHealthCheck>();
        builder.Services.AddHealthChecks()
            .AddCheck<PostgresHealthCheck>("postgresql", tags: [HealthTags.Ready])
            .AddCheck<VectorIndexHealthCheck>("vector-index", tags: [HealthTags.Ready])
            .AddCheck<EmbedderHealthCheck>("embedder", tags: [HealthTags.Ready])
            .AddCheck<SyncLagHealthCheck>("sync-lag", HealthStatus.Degraded, [HealthTags.Ready]);
        builder.Services.AddOptions<SyncLagOptions>().BindConfiguration("SyncLag");
        builder.Services.AddOptions<SyncRequestOptions>().BindConfiguration("SyncRequests").ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddScoped<SyncRequests>();
        builder.AddSyncMetrics();
        builder.Services.AddSingleton<SyncHistory>();
        builder.Services.AddHostedService(services => services.GetRequiredService<SyncHistory>());
        return builder;
    }
}
