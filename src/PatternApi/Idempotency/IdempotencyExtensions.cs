namespace PatternSync.PatternApi.Idempotency;

public static class IdempotencyExtensions
{
    public static IHostApplicationBuilder AddIdempotentWrites(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<IdempotencyOptions>().BindConfiguration("Idempotency").ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddScoped<IdempotentWrites>();
        builder.Services.AddSingleton<IdempotentRequestPruner>();
        builder.Services.AddHostedService(services => services.GetRequiredService<IdempotentRequestPruner>());
        return builder;
    }
}
