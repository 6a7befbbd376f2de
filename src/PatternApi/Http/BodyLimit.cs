using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

namespace PatternSync.PatternApi.Http;

/// <summary>
/// Api:MaxBodyBytes for every endpoint, also those that read no body (the server's own limit is 30 MB):
/// a declared length over it is refused before anything else runs, and an undeclared (chunked) body is cut at it.
/// </summary>
public static class BodyLimit
{
    public static IApplicationBuilder UseBodyLimit(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        var limit = context.RequestServices.GetRequiredService<IOptions<ApiOptions>>().Value.MaxBodyBytes;
        if (context.Request.ContentLength > limit)
        {
            await TypedResults.Problem(title: "Body too large", detail: $"The body may be at most {limit} bytes.",
                statusCode: StatusCodes.Status413PayloadTooLarge).ExecuteAsync(context);
            return;
        }
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size) size.MaxRequestBodySize = limit;
        await next(context);
    });
}
