using Microsoft.AspNetCore.Http.Timeouts;
using Microsoft.Extensions.Options;
using PatternSync.Core.Hosting;

namespace PatternSync.PatternApi.Http;

public static class RequestLimits
{
    /// <summary>The validated <see cref="ApiOptions"/> and the timeout every request runs under (503 when it is over).</summary>
    public static IHostApplicationBuilder AddRequestLimits(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<ApiOptions>().BindConfiguration(ApiOptions.Section)
            .BindRenamedKey("Auth:RequestTimeout", $"{ApiOptions.Section}:RequestTimeout").ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddRequestTimeouts();
        builder.Services.AddOptions<RequestTimeoutOptions>().Configure<IOptions<ApiOptions>>((timeouts, api) => timeouts.DefaultPolicy =
            new RequestTimeoutPolicy { Timeout = api.Value.RequestTimeout, TimeoutStatusCode = StatusCodes.Status503ServiceUnavailable });
        return builder;
    }
}
