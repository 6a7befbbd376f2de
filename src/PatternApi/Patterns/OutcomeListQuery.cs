using Microsoft.EntityFrameworkCore;
using PatternSync.Core.Patterns;
using PatternSync.PatternApi.Http;

namespace PatternSync.PatternApi.Patterns;

/// <summary>
/// <c>GET /api/v1/patterns/{id}/outcomes</c> parameters: newest first, keyset paging on the outcome's id (the
/// (pattern_id, id) index), with <see cref="PatternListQuery"/>'s limit and cursor encoding.
/// </summary>
public sealed record OutcomeListQuery(long? Before, int Limit)
{
    public sealed record Cursor(long Before);

    public static (OutcomeListQuery? Query, Dictionary<string, string[]> Errors) Parse(IQueryCollection query)
    {
        var errors = new ValidationErrors();
        foreach (var key in query.Keys.Where(k => k is not ("cursor" or "limit"))) errors.Add(key, "is not a parameter of this listing.");
        var limit = PatternListQuery.ReadLimit(query, errors.Add);
        long? before = null;
        if (query.ContainsKey("cursor"))
        {
            before = PatternListQuery.DecodeCursor<Cursor>(query["cursor"].ToString())?.Before;
            if (before is null) errors.Add("cursor", "is not a cursor of this listing; use next_cursor from the previous page.");
        }
        return errors.Any ? (null, errors.ToDictionary()) : (new OutcomeListQuery(before, limit), errors.ToDictionary());
    }

    /// <summary>This query's page of a pattern's outcomes, with the cursor of the next page when this one is full.</summary>
    public async Task<OutcomePage> PageAsync(IQueryable<PatternOutcome> outcomes, Guid patternId, CancellationToken cancellationToken)
    {
        var page = await Apply(outcomes, patternId).ToListAsync(cancellationToken);
        var next = page.Count == Limit ? PatternListQuery.EncodeCursor(new Cursor(page[^1].Id)) : null;
        return new OutcomePage(page.Select(OutcomeResponse.From).ToList(), next);
    }

    private IQueryable<PatternOutcome> Apply(IQueryable<PatternOutcome> outcomes, Guid patternId)
    {
        outcomes = outcomes.Where(o => o.PatternId == patternId);
        if (Before is { } before) outcomes = outcomes.Where(o => o.Id < before);
        return outcomes.OrderByDescending(o => o.Id).Take(Limit);
    }
}

/// <summary>One reported outcome as the API returns it.</summary>
public sealed record OutcomeResponse(
    long OutcomeId, Guid PatternId, bool Success, Guid? MatchId, string? Notes, DateTimeOffset RecordedAt, string? Caller)
{
    public static OutcomeResponse From(PatternOutcome o) => new(o.Id, o.PatternId, o.Success, o.MatchId, o.Notes, o.RecordedAt, o.Caller);
}

/// <summary>One page of a pattern's outcomes; pass <see cref="NextCursor"/> as <c>cursor</c> for the next page.</summary>
public sealed record OutcomePage(IReadOnlyList<OutcomeResponse> Items, string? NextCursor);
