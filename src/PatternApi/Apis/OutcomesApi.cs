using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using PatternSync.Core.Outbox;
using PatternSync.Core.Persistence;
using PatternSync.PatternApi.Http;
using PatternSync.PatternApi.Idempotency;
using PatternSync.PatternApi.Patterns;
using PatternSync.PatternApi.Security;

namespace PatternSync.PatternApi.Apis;

/// <summary>
/// <c>POST /api/v1/patterns/{id}/outcomes</c> with <c>{"success": true|false}</c>: one use of the
/// pattern. Increments match_count and the success or failure count, recomputes success_rate,
/// sets last_matched_at, and advances the pattern's version (the one change counter the sync's
/// version guard orders on), with a PatternOutcomeRecorded outbox row in the same transaction.
/// The row lock makes concurrent outcomes take turns, so no increment is lost; an Idempotency-Key
/// makes a retried report count once (<see cref="IdempotentWrites"/>).
/// </summary>
public static class OutcomesApi
{
    public static RouteGroupBuilder MapOutcomesApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("api/v1/patterns").WithTags("Outcomes");
        api.MapPost("/{patternId}/outcomes", RecordOutcome).WithName("RecordOutcome")
            .WithSummary("Report how a pattern did, so its statistics learn").Accepts<OutcomeDocument>("application/json")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status422UnprocessableEntity).RequireWrites();
        return api;
    }

    public static async Task<Results<Ok<PatternResponse>, ValidationProblem, ProblemHttpResult>> RecordOutcome(
        string patternId, HttpRequest request, [AsParameters] PatternServices services, IOptions<ApiOptions> options)
    {
        if (!Guid.TryParse(patternId, out var id)) return PatternProblems.BadPatternId();
        var body = await JsonBody.ReadObjectAsync(request, options.Value, "application/json");
        if (body.Problem is not null) return body.Problem;
        var errors = new ValidationErrors();
        foreach (var (field, _) in body.Body!.Where(p => p.Key != "success")) errors.Add(field, "is not a field of an outcome.");
        var succeeded = body.Body!["success"]?.GetValueKind() switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => (bool?)null,
        };
        if (succeeded is null) errors.Add("success", "is required: true or false.");
        if (errors.Any || succeeded is not { } success) return TypedResults.ValidationProblem(errors.ToDictionary(), title: "The outcome is not valid");
        var (idempotent, keyProblem) = IdempotentWrites.Read(request, body.Body!);
        if (keyProblem is not null) return keyProblem;

        var (recorded, problem) = await services.Idempotency.OnceAsync(idempotent, request.HttpContext.Response,
            () => RecordAsync(id, success, idempotent, services, request.HttpContext.RequestAborted), request.HttpContext.RequestAborted);
        if (problem is not null) return problem;
        request.HttpContext.Response.Headers.ETag = VersionPreconditions.ETag(recorded!.Version);
        return TypedResults.Ok(recorded);
    }

    /// <summary>The body's shape, for the OpenAPI document (the handler reads it field by field).</summary>
    public sealed record OutcomeDocument(bool Success);

    private static async Task<(PatternResponse? Response, ProblemHttpResult? Problem)> RecordAsync(
        Guid id, bool success, IdempotentWrites.Request? idempotent, PatternServices services, CancellationToken cancellationToken)
    {
        await using var transaction = await services.Db.Database.BeginTransactionAsync(cancellationToken);
        var pattern = await PatternsApi.LockAsync(services, id, cancellationToken);
        if (pattern is null) return (null, PatternProblems.NotFound(id));

        var now = services.Clock.GetUtcNowForPostgres();
        pattern.MatchCount++;
        if (success) pattern.SuccessCount++;
        else pattern.FailureCount++;
        pattern.SuccessRate = Math.Round((double)pattern.SuccessCount / (pattern.SuccessCount + pattern.FailureCount), 6);
        pattern.LastMatchedAt = now;
        pattern.Version++;
        pattern.UpdatedAt = now;
        services.Db.OutboxMessages.Add(OutboxMessageFactory.OutcomeRecorded(pattern, success, now));
        var response = PatternResponse.From(pattern);
        if (idempotent is not null) services.Idempotency.Remember(idempotent, response);
        await services.Db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return (response, null);
    }
}
