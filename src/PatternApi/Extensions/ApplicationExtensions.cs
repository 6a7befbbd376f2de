using PatternSync.Core.Messaging;
using PatternSync.Core.Persistence;
using PatternSync.PatternApi.Outbox;

namespace PatternSync.PatternApi.Extensions;

public static class ApplicationExtensions
{
    public static IHostApplicationBuilder AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.AddPatternStore();
        builder.AddPatternBus();
        builder.AddOutboxRelay();
        builder.Services.AddOptions<ApiOptions>().BindConfiguration("Api").ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddOpenApi();
        return builder;
    }
}
