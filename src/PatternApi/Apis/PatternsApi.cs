using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using PatternSync.PatternApi.Http;
using PatternSync.PatternApi.Idempotency;
using PatternSync.PatternApi.Patterns;
using PatternSync.PatternApi.Security;

namespace PatternSync.PatternApi.Apis;

/// <summary>
/// <c>/api/v1/patterns</c>: create, read, list, merge-patch and delete success patterns. Every change is
/// written by <see cref="PatternChanges"/>; a handler parses the request, calls it and maps its result.
/// </summary>
public static class PatternsApi
{
    private const string MergePatchMediaType = "application/merge-patch+json";

    public static RouteGroupBuilder MapPatternsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("api/v1/patterns").WithTags("Patterns");

        api.MapPost("/", CreatePattern).WithName("CreatePattern").WithSummary("Store a new success pattern")
            .Accepts<PatternDocument>("application/json").ProducesProblem(StatusCodes.Status422UnprocessableEntity).RequireWrites();
        api.MapGet("/", ListPatterns).WithName("ListPatterns").WithSummary("List patterns with filters, sorting and cursor paging")
            .RequireReads();
        api.MapGet("/{patternId}", GetPattern).WithName("GetPattern").WithSummary("Get one pattern")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound).RequireReads();
        api.MapPatch("/{patternId}", UpdatePattern).WithName("UpdatePattern")
            .WithSummary("Change a pattern with a JSON merge patch; If-Match guards against lost updates")
            .Accepts<PatternDocument>(MergePatchMediaType, "application/json")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status412PreconditionFailed).RequireWrites();
        api.MapDelete("/{patternId}", DeletePattern).WithName("DeletePattern").WithSummary("Delete a pattern")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed).RequireWrites();
        return api;
    }

    public static async Task<Results<Created<PatternResponse>, ValidationProblem, ProblemHttpResult>> CreatePattern(
        HttpRequest request, [AsParameters] PatternServices services, IOptions<ApiOptions> options)
    {
        var body = await JsonBody.ReadObjectAsync(request, options.Value, "application/json");
        if (body.Problem is not null) return body.Problem;
        var (idempotent, keyProblem) = IdempotencyKeyHeader.Read(request, body.Body!);
        if (keyProblem is not null) return keyProblem;

        var result = await services.Changes.CreateAsync(body.Body!, idempotent, request.HttpContext.RequestAborted);
        if (result is PatternChangeResult.Invalid invalid)
            return TypedResults.ValidationProblem(invalid.Errors, title: PatternProblems.InvalidPattern);
        if (result is not PatternChangeResult.Written written) return PatternChangeResponses.Refused(result);
        var created = PatternChangeResponses.Written(request.HttpContext.Response, written);
        return TypedResults.Created($"/api/v1/patterns/{created.PatternId}", created);
    }

    public static async Task<Results<Ok<PatternResponse>, ProblemHttpResult>> GetPattern(
        string patternId, HttpContext http, [AsParameters] PatternServices services)
    {
        if (!Guid.TryParse(patternId, out var id)) return PatternProblems.BadPatternId();
        var pattern = await services.Db.Patterns.AsNoTracking().FirstOrDefaultAsync(p => p.PatternId == id, http.RequestAborted);
        if (pattern is null) return PatternProblems.NotFound(id);
        http.Response.Headers.ETag = VersionPreconditions.ETag(pattern.Version);
        return TypedResults.Ok(PatternResponse.From(pattern));
    }

    public static async Task<Results<Ok<PatternPage>, ValidationProblem>> ListPatterns(
        HttpRequest request, [AsParameters] PatternServices services)
    {
        var (query, errors) = PatternListQuery.Parse(request.Query);
        if (query is null) return TypedResults.ValidationProblem(errors, title: PatternProblems.InvalidListing);
        return TypedResults.Ok(await query.PageAsync(services.Db.Patterns.AsNoTracking(), request.HttpContext.RequestAborted));
    }

    public static async Task<Results<Ok<PatternResponse>, ValidationProblem, ProblemHttpResult>> UpdatePattern(
        string patternId, HttpRequest request, [AsParameters] PatternServices services, IOptions<ApiOptions> options)
    {
        if (!Guid.TryParse(patternId, out var id)) return PatternProblems.BadPatternId();
        if (!VersionPreconditions.TryParseIfMatch(request.Headers.IfMatch, out var expectedVersion)) return PatternProblems.BadIfMatch();
        var body = await JsonBody.ReadObjectAsync(request, options.Value, MergePatchMediaType, "application/json");
        if (body.Problem is not null) return body.Problem;

        var result = await services.Changes.UpdateAsync(id, expectedVersion, body.Body!, request.HttpContext.RequestAborted);
        if (result is PatternChangeResult.Invalid invalid)
            return TypedResults.ValidationProblem(invalid.Errors, title: "The patched pattern is not valid");
        if (result is not PatternChangeResult.Written written) return PatternChangeResponses.Refused(result);
        return TypedResults.Ok(PatternChangeResponses.Written(request.HttpContext.Response, written));
    }

    public static async Task<Results<NoContent, ProblemHttpResult>> DeletePattern(
        string patternId, HttpRequest request, [AsParameters] PatternServices services)
    {
        if (!Guid.TryParse(patternId, out var id)) return PatternProblems.BadPatternId();
        if (!VersionPreconditions.TryParseIfMatch(request.Headers.IfMatch, out var expectedVersion)) return PatternProblems.BadIfMatch();

        var result = await services.Changes.DeleteAsync(id, expectedVersion, request.HttpContext.RequestAborted);
        return result is PatternChangeResult.Deleted ? TypedResults.NoContent() : PatternChangeResponses.Refused(result);
    }
}
