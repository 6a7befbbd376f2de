using MassTransit;
using PatternSync.Contracts;

namespace PatternSync.SyncWorker.Consumers;

/// <summary>The sync queue's settings, next to its consumers: prefetch, retry and batching of the four event kinds.</summary>
public static class PatternEventsEndpoint
{
    public static void AddPatternEventsConsumers(this IBusRegistrationConfigurator bus)
    {
        bus.AddConsumer<PatternEventsConsumer<PatternCreated>>();
        bus.AddConsumer<PatternEventsConsumer<PatternUpdated>>();
        bus.AddConsumer<PatternEventsConsumer<PatternDeleted>>();
        bus.AddConsumer<PatternEventsConsumer<PatternOutcomeRecorded>>();
    }

    public static void ConfigurePatternEvents(this IReceiveEndpointConfigurator endpoint, IRegistrationContext context, SyncOptions sync)
    {
        // Each of the four event kinds can fill a batch; the prefetch must cover them all.
        endpoint.PrefetchCount = sync.BatchSize * 4 * sync.ConcurrencyLimit;
        // Bounds only an event's own failures: the consumer waits outages out. One filter for the four batch
        // consumers sharing this endpoint (a consumer definition each would stack four).
        endpoint.UseMessageRetry(retry =>
            retry.Exponential(sync.RetryLimit, sync.RetryMinInterval, sync.RetryMaxInterval, sync.RetryMinInterval));
        ConfigureBatch<PatternCreated>(endpoint, context, sync);
        ConfigureBatch<PatternUpdated>(endpoint, context, sync);
        ConfigureBatch<PatternDeleted>(endpoint, context, sync);
        ConfigureBatch<PatternOutcomeRecorded>(endpoint, context, sync);
    }

    private static void ConfigureBatch<TEvent>(IReceiveEndpointConfigurator endpoint, IRegistrationContext context, SyncOptions sync)
        where TEvent : PatternEvent =>
        endpoint.ConfigureConsumer<PatternEventsConsumer<TEvent>>(context, consumer => consumer.Options<BatchOptions>(batch => batch
            .SetMessageLimit(sync.BatchSize)
            .SetTimeLimit(sync.BatchTimeLimit)
            .SetConcurrencyLimit(sync.ConcurrencyLimit)));
}
