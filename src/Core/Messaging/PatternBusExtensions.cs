using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using PatternSync.Contracts;
using PatternSync.Core.Serialization;

namespace PatternSync.Core.Messaging;

public static class PatternBusExtensions
{
    /// <summary>
    /// MassTransit over RabbitMQ as both hosts use it: publisher confirms, raw snake_case JSON
    /// bodies (a consumer in any language reads the event itself, no envelope), one fanout exchange
    /// per event type, named <c>{prefix}PatternSync.Contracts:{EventName}</c>, each bound to the sync queue.
    /// </summary>
    public static IHostApplicationBuilder AddPatternBus(this IHostApplicationBuilder builder,
        Action<IBusRegistrationConfigurator>? registerConsumers = null,
        Action<IBusRegistrationContext, IRabbitMqBusFactoryConfigurator>? configureEndpoints = null)
    {
        builder.Services.AddOptions<RabbitMqOptions>().BindConfiguration("RabbitMq").ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddMassTransit(bus =>
        {
            registerConsumers?.Invoke(bus);
            bus.UsingRabbitMq((context, cfg) =>
            {
                var options = context.GetRequiredService<IOptions<RabbitMqOptions>>().Value;
                cfg.Host(options.Host, (ushort)options.Port, options.VirtualHost, host =>
                {
                    host.Username(options.Username);
                    host.Password(options.Password);
                    host.PublisherConfirmation = true;
                });
                cfg.UseRawJsonSerializer(RawSerializerOptions.AddTransportHeaders | RawSerializerOptions.CopyHeaders, isDefault: true);
                cfg.ConfigureJsonSerializerOptions(PatternJson.Configure);
                if (options.EntityPrefix != "")
                    cfg.MessageTopology.SetEntityNameFormatter(
                        new PrefixEntityNameFormatter(cfg.MessageTopology.EntityNameFormatter, options.EntityPrefix));
                cfg.Publish<PatternEvent>(publish => publish.Exclude = true);
                var queue = options.SyncQueueName;
                cfg.Publish<PatternCreated>(publish => publish.BindQueue(publish.Exchange.ExchangeName, queue));
                cfg.Publish<PatternUpdated>(publish => publish.BindQueue(publish.Exchange.ExchangeName, queue));
                cfg.Publish<PatternDeleted>(publish => publish.BindQueue(publish.Exchange.ExchangeName, queue));
                cfg.Publish<PatternOutcomeRecorded>(publish => publish.BindQueue(publish.Exchange.ExchangeName, queue));
                configureEndpoints?.Invoke(context, cfg);
            });
        });
        return builder;
    }
}
