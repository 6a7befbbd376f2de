using MassTransit;
using Microsoft.Extensions.Options;
using PatternSync.Contracts;
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
                bus.AddConsumer<PatternEventsConsumer<PatternCreated>>();
                bus.AddConsumer<PatternEventsConsumer<PatternUpdated>>();
                bus.AddConsumer<PatternEventsConsumer<PatternDeleted>>();
                bus.AddConsumer<PatternEventsConsumer<PatternOutcomeRecorded>>();
                bus.AddConsumer<ReconciliationRequestedConsumer>();
                bus.AddConsumer<ReindexRequestedConsumer>();
            },
            (context, cfg) =>
            {
                var rabbit = context.GetRequiredService<IOptions<RabbitMqOptions>>().Value;
                var sync = context.GetRequiredService<IOptions<SyncOptions>>().Value;
                cfg.ReceiveEndpoint(rabbit.SyncQueueName, endpoint =>
                {
                    // Each of the four event kinds can fill a batch; the prefetch must cover them all.
                    endpoint.PrefetchCount = sync.BatchSize * 4 * sync.ConcurrencyLimit;
                    // Bounds only an event's own failures: the consumer waits outages out. One filter for the four batch
                    // consumers sharing this endpoint (a definition per consumer would stack four).
                    endpoint.UseMessageRetry(retry =>
                        retry.Exponential(sync.RetryLimit, sync.RetryMinInterval, sync.RetryMaxInterval, sync.RetryMinInterval));
                    ConfigureBatch<PatternCreated>(endpoint, context, sync);
                    ConfigureBatch<PatternUpdated>(endpoint, context, sync);
                    ConfigureBatch<PatternDeleted>(endpoint, context, sync);
                    ConfigureBatch<PatternOutcomeRecorded>(endpoint, context, sync);
                });
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

    private static void ConfigureBatch<TEvent>(IReceiveEndpointConfigurator endpoint, IRegistrationContext context, SyncOptions sync)
        where TEvent : PatternEvent =>
        endpoint.ConfigureConsumer<PatternEventsConsumer<TEvent>>(context, consumer => consumer.Options<BatchOptions>(batch => batch
            .SetMessageLimit(sync.BatchSize)
            .SetTimeLimit(sync.BatchTimeLimit)
            .SetConcurrencyLimit(sync.ConcurrencyLimit)));
}
