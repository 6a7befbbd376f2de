using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;

namespace PatternSync.PatternApi.Extensions;

/// <summary>The ProblemDetails answers an endpoint gives because of what it is, documented from its metadata.</summary>
public static class ProblemResponses
{
    private static readonly string[] ProblemJson = ["application/problem+json"];

    /// <summary>
    /// After every other convention (so the endpoint's final metadata counts): 503 for all (the store or
    /// the broker is down, the request timed out) and 413 (every endpoint holds the body limit); 401, 403
    /// and 429 (wrong keys from the address) where a key is needed; 429 where a rate limit applies; 400 and
    /// 415 where a body is read. What only some endpoints answer (404, 409, 412, 422) each route says itself.
    /// </summary>
    public static TBuilder ProducesCommonProblems<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder
    {
        builder.Finally(endpoint =>
        {
            var metadata = endpoint.Metadata;
            var statuses = new SortedSet<int> { StatusCodes.Status413PayloadTooLarge, StatusCodes.Status503ServiceUnavailable };
            if (metadata.OfType<IAuthorizeData>().Any() && !metadata.OfType<IAllowAnonymous>().Any())
                statuses.UnionWith(
                    [StatusCodes.Status401Unauthorized, StatusCodes.Status403Forbidden, StatusCodes.Status429TooManyRequests]);
            if (metadata.OfType<EnableRateLimitingAttribute>().Any()) statuses.Add(StatusCodes.Status429TooManyRequests);
            if (metadata.OfType<IAcceptsMetadata>().Any())
                statuses.UnionWith([StatusCodes.Status400BadRequest, StatusCodes.Status415UnsupportedMediaType]);
            statuses.ExceptWith(metadata.OfType<IProducesResponseTypeMetadata>().Select(produces => produces.StatusCode));
            foreach (var status in statuses) metadata.Add(new ProducesResponseTypeMetadata(status, typeof(ProblemDetails), ProblemJson));
        });
        return builder;
    }
}
