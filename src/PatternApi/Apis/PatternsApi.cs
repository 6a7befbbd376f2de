using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using PatternSync.Core.Outbox;
using PatternSync.Core.Patterns;
using PatternSync.Core.Persistence;
using PatternSync.PatternApi.Http;
using PatternSync.PatternApi.Idempotency;
using PatternSync.PatternApi.Patterns;
using PatternSync.PatternApi.Security;

namespace PatternSync.PatternApi.Apis;

/// <summary>
/// <c>/api/v1/patterns</c>: create, read, list, merge-patch and delete success patterns. Every change
/// saves the pattern and exactly one outbox row in one transaction; the relay publishes the row.
/// A create with an Idempotency-Key is written once however often it is retried (<see cref="IdempotentWrites"/>).
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
        var (idempotent, keyProblem) = IdempotentWrites.Read(request, body.Body!);
        if (keyProblem is not null) return keyProblem;
        var (document, errors) = PatternValidator.Validate(body.Body!);
        if (document is null) return TypedResults.ValidationProblem(errors, title: "The pattern is not valid");

        var (created, problem) = await services.Idempotency.OnceAsync(idempotent, request.HttpContext.Response, async () =>
        {
            var now = services.Clock.GetUtcNowForPostgres();
            var pattern = document.ToNewPattern(Guid.CreateVersion7(now), now);
            var response = PatternResponse.From(pattern);
            services.Db.Patterns.Add(pattern);
            services.Db.OutboxMessages.Add(OutboxMessageFactory.Created(pattern, now));
            if (idempotent is not null) services.Idempotency.Remember(idempotent, response);
            await services.Db.SaveChangesAsync(request.HttpContext.RequestAborted);
            return (response, (ProblemHttpResult?)null);
        }, request.HttpContext.RequestAborted);
        if (problem is not null) return problem;
        request.HttpContext.Response.Headers.ETag = VersionPreconditions.ETag(created!.Version);
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
        if (query is null) return TypedResults.ValidationProblem(errors, title: "The listing parameters are not valid");
        var page = await query.Apply(services.Db.Patterns.AsNoTracking()).ToListAsync(request.HttpContext.RequestAborted);
        var next = page.Count == query.Limit ? query.NextCursor(page[^1]) : null;
        return TypedResults.Ok(new PatternPage(page.Select(PatternResponse.From).ToList(), next));
    }

    public static async Task<Results<Ok<PatternResponse>, ValidationProblem, ProblemHttpResult>> UpdatePattern(
        string patternId, HttpRequest request, [AsParameters] PatternServices services, IOptions<ApiOptions> options)
    {
        if (!Guid.TryParse(patternId, out var id)) return PatternProblems.BadPatternId();
        if (!VersionPreconditions.TryParseIfMatch(request.Headers.IfMatch, out var expectedVersion)) return PatternProblems.BadIfMatch();
        var body = await JsonBody.ReadObjectAsync(request, options.Value, MergePatchMediaType, "application/json");
        if (body.Problem is not null) return body.Problem;

        // The row lock serialises writers of one pattern: without If-Match each patch applies to the
        // newest row in turn; with it, a writer that lost the race sees the new version and gets 412.
        await using var transaction = await services.Db.Database.BeginTransactionAsync(request.HttpContext.RequestAborted);
        var pattern = await LockAsync(services, id, request.HttpContext.RequestAborted);
        if (pattern is null) return PatternProblems.NotFound(id);
        if (expectedVersion is { } expected && expected != pattern.Version) return PatternProblems.VersionMismatch(pattern.Version);

        var merged = (JsonObject)JsonMergePatch.Apply(PatternDocument.ToJson(pattern), body.Body)!;
        var (document, errors) = PatternValidator.Validate(merged, patch: true);
        if (document is null) return TypedResults.ValidationProblem(errors, title: "The patched pattern is not valid");

        var changed = document.ApplyTo(pattern);
        if (changed.Count > 0)
        {
            var now = services.Clock.GetUtcNowForPostgres();
            pattern.Version++;
            pattern.UpdatedAt = now;
            services.Db.OutboxMessages.Add(OutboxMessageFactory.Updated(pattern, changed, now));
            await services.Db.SaveChangesAsync(request.HttpContext.RequestAborted);
            await transaction.CommitAsync(request.HttpContext.RequestAborted);
        }
        request.HttpContext.Response.Headers.ETag = VersionPreconditions.ETag(pattern.Version);
        return TypedResults.Ok(PatternResponse.From(pattern));
    }

    public static async Task<Results<NoContent, ProblemHttpResult>> DeletePattern(
        string patternId, HttpRequest request, [AsParameters] PatternServices services)
    {
        if (!Guid.TryParse(patternId, out var id)) return PatternProblems.BadPatternId();
        if (!VersionPreconditions.TryParseIfMatch(request.Headers.IfMatch, out var expectedVersion)) return PatternProblems.BadIfMatch();

        await using var transaction = await services.Db.Database.BeginTransactionAsync(request.HttpContext.RequestAborted);
        var pattern = await LockAsync(services, id, request.HttpContext.RequestAborted);
        if (pattern is null) return PatternProblems.NotFound(id);
        if (expectedVersion is { } expected && expected != pattern.Version) return PatternProblems.VersionMismatch(pattern.Version);

        services.Db.Patterns.Remove(pattern);
        services.Db.OutboxMessages.Add(OutboxMessageFactory.Deleted(pattern, pattern.Version + 1, services.Clock.GetUtcNowForPostgres()));
        await services.Db.SaveChangesAsync(request.HttpContext.RequestAborted);
        await transaction.CommitAsync(request.HttpContext.RequestAborted);
        return TypedResults.NoContent();
    }

    /// <summary>Reads the pattern and locks its row until the transaction ends.</summary>
    public static Task<SuccessPattern?> LockAsync(PatternServices services, Guid id, CancellationToken cancellationToken) =>
        services.Db.Patterns.FromSql($"SELECT * FROM success_patterns WHERE pattern_id = {id} FOR UPDATE").SingleOrDefaultAsync(cancellationToken);
}
