using System.Diagnostics;
using Microsoft.AspNetCore.Http.HttpResults;
using PatternSync.PatternApi.Http;
using PatternSync.PatternApi.Idempotency;
using PatternSync.PatternApi.Patterns;

namespace PatternSync.PatternApi.Apis;

/// <summary>How the REST handlers answer a <see cref="PatternChangeResult"/>.</summary>
public static class PatternChangeResponses
{
    /// <summary>The written pattern, with its ETag and, when an idempotency key replayed it, the replay header.</summary>
    public static PatternResponse Written(HttpResponse response, PatternChangeResult.Written written)
    {
        if (written.Replayed) response.Headers[IdempotencyKeyHeader.ReplayedHeader] = "true";
        response.Headers.ETag = VersionPreconditions.ETag(written.Pattern.Version);
        return written.Pattern;
    }

    /// <summary>The problem for a change that was refused (not found, version conflict, reused key, another match's outcome).</summary>
    public static ProblemHttpResult Refused(PatternChangeResult result) => result switch
    {
        PatternChangeResult.NotFound notFound => PatternProblems.NotFound(notFound.PatternId),
        PatternChangeResult.VersionConflict conflict => PatternProblems.VersionMismatch(conflict.CurrentVersion),
        PatternChangeResult.KeyReused reused => PatternProblems.KeyReused(reused.Key),
        PatternChangeResult.NotInMatch notInMatch => PatternProblems.NotInMatch(notInMatch.MatchId, notInMatch.PatternId),
        _ => throw new UnreachableException($"{result} is not a refusal."),
    };
}
