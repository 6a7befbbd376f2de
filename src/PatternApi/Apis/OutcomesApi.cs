using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using PatternSync.PatternApi.Http;
using PatternSync.PatternApi.Idempotency;
using PatternSync.PatternApi.Patterns;
using PatternSync.PatternApi.Security;

namespace PatternSync.PatternApi.Apis;

/// <summary>
/// <c>POST /api/v1/patterns/{id}/outcomes</c> with <c>{"success": true|false}</c>: one use of the
/// pattern, counted by <see cref="PatternChanges.RecordOutcomeAsync"/>; an Idempotency-Key makes a retried
/// report count once.
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
        var (success, errors) = ParseOutcome(body.Body!);
        if (success is not { } succeeded) return TypedResults.ValidationProblem(errors, title: "The outcome is not valid");
        var (idempotent, keyProblem) = IdempotencyKeyHeader.Read(request, body.Body!);
        if (keyProblem is not null) return keyProblem;

        var result = await services.Changes.RecordOutcomeAsync(id, succeeded, idempotent, request.HttpContext.RequestAborted);
        if (result is not PatternChangeResult.Written written) return PatternChangeResponses.Refused(result);
        return TypedResults.Ok(PatternChangeResponses.Written(request.HttpContext.Response, written));
    }

    /// <summary>The body's shape, for the OpenAPI document (the handler reads it field by field).</summary>
    public sealed record OutcomeDocument(bool Success);

    /// <summary>Reads <c>success</c>, the one field of an outcome; null with the errors by field when the body is not one.</summary>
    private static (bool? Success, Dictionary<string, string[]> Errors) ParseOutcome(JsonObject body)
    {
        var errors = new ValidationErrors();
        foreach (var (field, _) in body.Where(p => p.Key != "success")) errors.Add(field, "is not a field of an outcome.");
        var success = body["success"]?.GetValueKind() switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => (bool?)null,
        };
        if (success is null) errors.Add("success", "is required: true or false.");
        return (errors.Any ? null : success, errors.ToDictionary());
    }
}
