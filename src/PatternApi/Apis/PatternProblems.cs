using Microsoft.AspNetCore.Http.HttpResults;
using PatternSync.Core.Idempotency;

namespace PatternSync.PatternApi.Apis;

/// <summary>The ProblemDetails the pattern endpoints share.</summary>
public static class PatternProblems
{
    /// <summary>The titles of the 400s that list the request's errors by field, as REST and the MCP tools give them.</summary>
    public const string InvalidMatch = "The match request is not valid";
    public const string InvalidOutcome = "The outcome is not valid";
    public const string InvalidPattern = "The pattern is not valid";
    public const string InvalidListing = "The listing parameters are not valid";

    public static ProblemHttpResult NotFound(Guid id) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Pattern not found",
            detail: $"No pattern has pattern_id {id}.");

    public static ProblemHttpResult BadPatternId() =>
        TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Invalid pattern_id",
            detail: "pattern_id must be a UUID such as 550e8400-e29b-41d4-a716-446655440000.");

    public static ProblemHttpResult BadIfMatch() =>
        TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Invalid If-Match",
            detail: "If-Match must be the pattern's ETag, e.g. \"3\", or *.");

    public static ProblemHttpResult VersionMismatch(int currentVersion) =>
        TypedResults.Problem(statusCode: StatusCodes.Status412PreconditionFailed, title: "The pattern has changed",
            detail: $"If-Match does not match the current version {currentVersion}; read the pattern again and retry.");

    public static ProblemHttpResult KeyReused(string key) =>
        TypedResults.Problem(statusCode: StatusCodes.Status422UnprocessableEntity, title: "Idempotency-Key reused",
            detail: $"The {IdempotencyKeys.Header} '{key}' was sent before with a different request. Use a new key for a new request.");

    /// <summary>An outcome naming a match that did not return the pattern: it cannot be what that match's caller used.</summary>
    public static ProblemHttpResult NotInMatch(Guid matchId, Guid patternId) =>
        TypedResults.Problem(new HttpValidationProblemDetails(
            new Dictionary<string, string[]> { ["match_id"] = [$"match {matchId} did not return pattern {patternId}."] })
        {
            Status = StatusCodes.Status422UnprocessableEntity, Title = "The outcome does not answer that match",
        });
}
