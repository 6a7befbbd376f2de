using MassTransit;
using Microsoft.Extensions.Options;
using PatternSync.Core.Embeddings;
using PatternSync.Core.Hosting;
using PatternSync.Core.Messaging;
using PatternSync.Core.Persistence;
using PatternSync.Core.VectorIndex;
using PatternSync.SyncWorker.Consumers;
using PatternSync.SyncWorker.Rebuild;
using PatternSync.SyncWorker.Reconciliation;
using PatternSync.SyncWorker.Sync;
using PatternSync.ServiceDefaults;

namespace PatternSync.SyncWorker.Extensions;

public static class ApplicationExtensions
{
    public static IHostApplicationBuilder AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.AddPatternDatabase();
        builder.Services.AddHealthChecks().AddCheck<PostgresHealthCheck>("postgresql", tags: [HealthTags.Ready]);
        builder.AddPatternEmbeddings();
        builder.AddPatternVectorIndex();
        builder.Services.AddOptions<SyncOptions>().BindConfiguration("Sync").ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddScoped<PatternSynchronizer>();
        builder.AddReconciliation();
        builder.Services.AddScoped<IndexRebuilder>();
        builder.AddPatternBus(
            bus =>
            {
                bus.AddPatternEventsConsumers();
                bus.AddConsumer<ReconciliationRequestedConsumer>();
                bus.AddConsumer<ReindexRequestedConsumer>();
            },
            (context, cfg) =>
            {
                var rabbit = context.GetRequiredService<IOptions<RabbitMqOptions>>().Value;
                var sync = context.GetRequiredService<IOptions<SyncOptions>>().Value;
                cfg.ReceiveEndpoint(rabbit.SyncQueueName, endpoint => endpoint.ConfigurePatternEvents(context, sync));
                cfg.ReceiveEndpoint(MaintenanceQueueName(rabbit), endpoint =>
                {
                    endpoint.ConfigureConsumer<ReconciliationRequestedConsumer>(context);
                    endpoint.ConfigureConsumer<ReindexRequestedConsumer>(context);
                });
            });
        return builder;
    }

    /// <summary>The queues this worker consumes from, each with its error queue.</summary>
    public static IReadOnlyList<string> ReceiveQueueNames(RabbitMqOptions rabbit) => [rabbit.SyncQueueName, MaintenanceQueueName(rabbit)];

    private static string MaintenanceQueueName(RabbitMqOptions rabbit) => rabbit.EntityPrefix + "pattern-maintenance";
}
