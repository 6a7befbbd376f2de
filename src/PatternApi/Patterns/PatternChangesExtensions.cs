using PatternSync.PatternApi.Idempotency;

namespace PatternSync.PatternApi.Patterns;

public static class PatternChangesExtensions
{
    public static IHostApplicationBuilder AddPatternChanges(this IHostApplicationBuilder builder)
    {
        builder.AddIdempotentWrites();
        builder.Services.AddScoped<PatternChanges>();
        return builder;
    }
}
