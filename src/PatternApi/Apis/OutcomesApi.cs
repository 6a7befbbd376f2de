using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using PatternSync.Core.Patterns;
using PatternSync.Core.Serialization;
using PatternSync.PatternApi.Http;
using PatternSync.PatternApi.Idempotency;
using PatternSync.PatternApi.Patterns;
using PatternSync.PatternApi.Security;

namespace PatternSync.PatternApi.Apis;

/// <summary>
/// <c>POST /api/v1/patterns/{id}/outcomes</c> with <c>{"success": true|false, "match_id"?, "notes"?}</c>: one use of the
/// pattern, counted and kept as a row by <see cref="PatternChanges.RecordOutcomeAsync"/>; an Idempotency-Key makes a retried
/// report count once. <c>GET</c> the same path lists a pattern's outcomes, newest first.
/// </summary>
public static class OutcomesApi
{
    public static RouteGroupBuilder MapOutcomesApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("api/v1/patterns").WithTags("Outcomes");
        api.MapPost("/{patternId}/outcomes", RecordOutcome).WithName("RecordOutcome")
            .WithSummary("Report how a pattern did, so its statistics learn").Accepts<OutcomeDocument>("application/json")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status422UnprocessableEntity).RequireWrites();
        api.MapGet("/{patternId}/outcomes", ListOutcomes).WithName("ListOutcomes")
            .WithSummary("List a pattern's reported outcomes, newest first, with cursor paging")
            .ProducesProblem(StatusCodes.Status404NotFound).RequireReads();
        return api;
    }

    public static async Task<Results<Ok<PatternResponse>, ValidationProblem, ProblemHttpResult>> RecordOutcome(
        string patternId, HttpRequest request, [AsParameters] PatternServices services, IOptions<ApiOptions> options,
        IOptions<AuthOptions> auth)
    {
        if (!Guid.TryParse(patternId, out var id)) return PatternProblems.BadPatternId();
        var body = await JsonBody.ReadObjectAsync(request, options.Value, "application/json");
        if (body.Problem is not null) return body.Problem;
        var (report, errors) = ParseOutcome(body.Body!);
        if (report is null) return TypedResults.ValidationProblem(errors, title: PatternProblems.InvalidOutcome);
        var (idempotent, keyProblem) = IdempotencyKeyHeader.Read(request, body.Body!);
        if (keyProblem is not null) return keyProblem;

        // Without keys every caller is the same trusted local one: nobody to name.
        var caller = auth.Value.RequireApiKeys ? request.HttpContext.User.Identity?.Name : null;
        var result = await services.Changes.RecordOutcomeAsync(id, report, caller, idempotent, request.HttpContext.RequestAborted);
        if (result is not PatternChangeResult.Written written) return PatternChangeResponses.Refused(result);
        return TypedResults.Ok(PatternChangeResponses.Written(request.HttpContext.Response, written));
    }

    public static async Task<Results<Ok<OutcomePage>, ValidationProblem, ProblemHttpResult>> ListOutcomes(
        string patternId, HttpRequest request, [AsParameters] PatternServices services)
    {
        if (!Guid.TryParse(patternId, out var id)) return PatternProblems.BadPatternId();
        var (query, errors) = OutcomeListQuery.Parse(request.Query);
        if (query is null) return TypedResults.ValidationProblem(errors, title: PatternProblems.InvalidListing);
        var cancellationToken = request.HttpContext.RequestAborted;
        if (!await services.Db.Patterns.AnyAsync(p => p.PatternId == id, cancellationToken)) return PatternProblems.NotFound(id);
        return TypedResults.Ok(await query.PageAsync(services.Db.Outcomes.AsNoTracking(), id, cancellationToken));
    }

    /// <summary>The body's shape, for the OpenAPI document (the handler reads it field by field).</summary>
    public sealed record OutcomeDocument(bool Success, Guid? MatchId, string? Notes);

    private static readonly HashSet<string> Fields = ["success", "match_id", "notes"];

    /// <summary>Reads an outcome's fields; null with the errors by field when the body is not one.</summary>
    internal static (OutcomeReport? Report, Dictionary<string, string[]> Errors) ParseOutcome(JsonObject body)
    {
        var errors = new ValidationErrors();
        foreach (var (field, _) in body.Where(p => !Fields.Contains(p.Key))) errors.Add(field, "is not a field of an outcome.");
        var success = body["success"]?.GetValueKind() switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => (bool?)null,
        };
        if (success is null) errors.Add("success", "is required: true or false.");
        var matchId = ReadMatchId(body["match_id"], errors);
        var notes = ReadNotes(body["notes"], errors);
        return (errors.Any ? null : new OutcomeReport(success!.Value, matchId, notes), errors.ToDictionary());
    }

    private static Guid? ReadMatchId(JsonNode? node, ValidationErrors errors)
    {
        if (node is null) return null;
        if (node.GetValueKind() == JsonValueKind.String && Guid.TryParse(node.GetValue<string>(), out var matchId)) return matchId;
        errors.Add("match_id", "must be a uuid: the match_id of the match response the outcome answers.");
        return null;
    }

    private static string? ReadNotes(JsonNode? node, ValidationErrors errors)
    {
        if (node is null) return null;
        var notes = node.GetValueKind() == JsonValueKind.String ? node.GetValue<string>() : null;
        // Stricter than other free text: no carriage return either.
        var plain = notes is not null && !RequestFields.HasControlCharacters(notes) && !notes.Contains('\r');
        if (plain && notes!.Length <= OutcomeReport.MaxNotesLength) return notes;
        errors.Add("notes", $"must be text of at most {OutcomeReport.MaxNotesLength} characters; no control characters but newline, tab.");
        return null;
    }
}
