namespace PatternSync.PatternApi.Outbox;

public static class OutboxExtensions
{
    public static IHostApplicationBuilder AddOutboxRelay(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<OutboxOptions>().BindConfiguration("Outbox").ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<OutboxSignal>();
        builder.Services.AddHostedService<OutboxListener>();
        builder.Services.AddHostedService<OutboxRelay>();
        return builder;
    }
}
