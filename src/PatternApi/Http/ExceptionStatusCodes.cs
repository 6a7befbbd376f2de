using Microsoft.AspNetCore.Diagnostics;
using PatternSync.Core.Hosting;
using PatternSync.Core.VectorIndex;

namespace PatternSync.PatternApi.Http;

public static class ExceptionStatusCodes
{
    /// <summary>A store, index or embedder that does not answer is a 503 the caller may retry, not a 500.</summary>
    public static IHostApplicationBuilder AddExceptionStatusCodes(this IHostApplicationBuilder builder)
    {
        builder.Services.PostConfigure<ExceptionHandlerOptions>(options =>
        {
            var otherwise = options.StatusCodeSelector ?? (_ => StatusCodes.Status500InternalServerError);
            options.StatusCodeSelector = exception => exception switch
            {
                BadHttpRequestException => otherwise(exception),
                _ when TransientFailures.IsTransient(exception) => StatusCodes.Status503ServiceUnavailable,
                // The index holds (or is still building) another model's vectors: this host waits for a rebuild or its own rollout.
                VectorIndexMismatchException => StatusCodes.Status503ServiceUnavailable,
                _ => otherwise(exception),
            };
        });
        return builder;
    }
}
