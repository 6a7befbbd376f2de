using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using PatternSync.PatternApi.Http;
using PatternSync.PatternApi.Matching;
using PatternSync.PatternApi.Security;

namespace PatternSync.PatternApi.Apis;

/// <summary><c>POST /api/v1/patterns/match</c>: the seed's pattern matching contract.</summary>
public static class MatchApi
{
    public static RouteGroupBuilder MapMatchApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("api/v1/patterns").WithTags("Matching");
        api.MapPost("/match", MatchPatterns).WithName("MatchPatterns")
            .WithSummary("Find the patterns that worked for an intent, by meaning, with filters")
            .Accepts<MatchRequest>("application/json").RequireReads();
        return api;
    }

    public static async Task<Results<Ok<MatchResponse>, ValidationProblem, ProblemHttpResult>> MatchPatterns(
        HttpRequest request, PatternMatcher matcher, IOptions<ApiOptions> options)
    {
        var body = await JsonBody.ReadObjectAsync(request, options.Value, "application/json");
        if (body.Problem is not null) return body.Problem;
        var (match, errors) = MatchRequest.Parse(body.Body!);
        if (match is null) return TypedResults.ValidationProblem(errors, title: PatternProblems.InvalidMatch);
        return TypedResults.Ok(await matcher.MatchAsync(match, request.HttpContext.RequestAborted));
    }
}
