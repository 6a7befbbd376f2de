using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;
using PatternSync.Core.Filters;
using PatternSync.Core.Patterns;
using PatternSync.PatternApi.Http;

namespace PatternSync.PatternApi.Patterns;

/// <summary>
/// <c>GET /api/v1/patterns</c> parameters: filters, a sort key and keyset (cursor) paging, so a page
/// costs the same however deep it is and no row is skipped or repeated while others are inserted.
/// </summary>
public sealed record PatternListQuery(
    PatternFilter Filter,
    string Sort,
    bool Descending,
    PatternListQuery.Position? After,
    int Limit)
{
    public const int DefaultLimit = 20;
    public const int MaxLimit = 100;
    public static readonly IReadOnlyList<string> SortKeys = ["created_at", "updated_at", "quality_score", "name"];

    public sealed record Cursor(string Sort, string Value, Guid PatternId);

    /// <summary>A cursor's key read as its sort's type (only the one of <see cref="Sort"/> is set).</summary>
    public sealed record Position(DateTimeOffset Time, double Score, string Name, Guid PatternId);

    public static (PatternListQuery? Query, Dictionary<string, string[]> Errors) Parse(IQueryCollection query)
    {
        var errors = new ValidationErrors();
        void Fail(string field, string message) => errors.Add(field, message);

        foreach (var key in query.Keys.Where(k => !KnownParameters.Contains(k)))
            Fail(key, "is not a parameter of this listing.");

        var filter = PatternFilterParser.FromQuery(query, Fail);

        var sortText = query["sort"].ToString();
        if (sortText == "") sortText = "-created_at";
        var descending = sortText.StartsWith('-');
        var sort = sortText.TrimStart('-');
        if (!SortKeys.Contains(sort))
            Fail("sort", $"must be one of {string.Join(", ", SortKeys)}, optionally prefixed with '-' for descending.");

        var limit = ReadLimit(query, Fail);

        Position? after = null;
        if (query.ContainsKey("cursor"))
        {
            after = ReadCursor(query["cursor"].ToString(), sortText);
            if (after is null) Fail("cursor", "is not a cursor of this listing's sort; use next_cursor from the previous page.");
        }

        if (errors.Any) return (null, errors.ToDictionary());
        return (new PatternListQuery(filter, sort, descending, after, limit), errors.ToDictionary());
    }

    /// <summary>The <c>limit</c> of a cursor-paged listing: 1 to <see cref="MaxLimit"/>, <see cref="DefaultLimit"/> when absent.</summary>
    public static int ReadLimit(IQueryCollection query, Action<string, string> fail)
    {
        if (!query.ContainsKey("limit")) return DefaultLimit;
        if (int.TryParse(query["limit"], NumberStyles.None, CultureInfo.InvariantCulture, out var limit) && limit is >= 1 and <= MaxLimit)
            return limit;
        fail("limit", $"must be a whole number from 1 to {MaxLimit}.");
        return DefaultLimit;
    }

    /// <summary>An opaque cursor of a listing: its position as base64url JSON.</summary>
    public static string EncodeCursor<T>(T position) => WebEncoders.Base64UrlEncode(JsonSerializer.SerializeToUtf8Bytes(position));

    /// <summary>The position <see cref="EncodeCursor"/> wrote, or null when the text is not a cursor.</summary>
    public static T? DecodeCursor<T>(string text) where T : class
    {
        try { return JsonSerializer.Deserialize<T>(WebEncoders.Base64UrlDecode(text)); }
        catch (Exception e) when (e is FormatException or JsonException) { return null; }
    }

    public IQueryable<SuccessPattern> Apply(IQueryable<SuccessPattern> patterns)
    {
        patterns = patterns.Matching(Filter);
        if (After is not null) patterns = AfterCursor(patterns, After);
        patterns = (Sort, Descending) switch
        {
            ("created_at", false) => patterns.OrderBy(p => p.CreatedAt),
            ("created_at", true) => patterns.OrderByDescending(p => p.CreatedAt),
            ("updated_at", false) => patterns.OrderBy(p => p.UpdatedAt),
            ("updated_at", true) => patterns.OrderByDescending(p => p.UpdatedAt),
            ("quality_score", false) => patterns.OrderBy(p => p.QualityScore),
            ("quality_score", true) => patterns.OrderByDescending(p => p.QualityScore),
            (_, false) => patterns.OrderBy(p => p.Name),
            (_, true) => patterns.OrderByDescending(p => p.Name),
        };
        var ordered = (IOrderedQueryable<SuccessPattern>)patterns;
        return (Descending ? ordered.ThenByDescending(p => p.PatternId) : ordered.ThenBy(p => p.PatternId)).Take(Limit);
    }

    // Row-value comparison (key, id) > (value, id): ties on the key keep a stable order, and
    // PostgreSQL answers it from the (key, pattern_id) index.
    private IQueryable<SuccessPattern> AfterCursor(IQueryable<SuccessPattern> patterns, Position after)
    {
        var (time, score, name, id) = after;
        return (Sort, Descending) switch
        {
            ("created_at", false) => patterns.Where(p =>
                EF.Functions.GreaterThan(ValueTuple.Create(p.CreatedAt, p.PatternId), ValueTuple.Create(time, id))),
            ("created_at", true) => patterns.Where(p =>
                EF.Functions.LessThan(ValueTuple.Create(p.CreatedAt, p.PatternId), ValueTuple.Create(time, id))),
            ("updated_at", false) => patterns.Where(p =>
                EF.Functions.GreaterThan(ValueTuple.Create(p.UpdatedAt, p.PatternId), ValueTuple.Create(time, id))),
            ("updated_at", true) => patterns.Where(p =>
                EF.Functions.LessThan(ValueTuple.Create(p.UpdatedAt, p.PatternId), ValueTuple.Create(time, id))),
            ("quality_score", false) => patterns.Where(p =>
                EF.Functions.GreaterThan(ValueTuple.Create(p.QualityScore, p.PatternId), ValueTuple.Create(score, id))),
            ("quality_score", true) => patterns.Where(p =>
                EF.Functions.LessThan(ValueTuple.Create(p.QualityScore, p.PatternId), ValueTuple.Create(score, id))),
            (_, false) => patterns.Where(p =>
                EF.Functions.GreaterThan(ValueTuple.Create(p.Name, p.PatternId), ValueTuple.Create(name, id))),
            (_, true) => patterns.Where(p =>
                EF.Functions.LessThan(ValueTuple.Create(p.Name, p.PatternId), ValueTuple.Create(name, id))),
        };
    }

    /// <summary>This query's page of the patterns, with the cursor of the next page when this one is full.</summary>
    public async Task<PatternPage> PageAsync(IQueryable<SuccessPattern> patterns, CancellationToken cancellationToken)
    {
        var page = await Apply(patterns).ToListAsync(cancellationToken);
        var next = page.Count == Limit ? NextCursor(page[^1]) : null;
        return new PatternPage(page.Select(PatternResponse.From).ToList(), next);
    }

    public string NextCursor(SuccessPattern last)
    {
        var value = Sort switch
        {
            "created_at" => last.CreatedAt.ToString("O", CultureInfo.InvariantCulture),
            "updated_at" => last.UpdatedAt.ToString("O", CultureInfo.InvariantCulture),
            "quality_score" => last.QualityScore.ToString("R", CultureInfo.InvariantCulture),
            _ => last.Name,
        };
        return EncodeCursor(new Cursor((Descending ? "-" : "") + Sort, value, last.PatternId));
    }

    /// <summary>The position a cursor of this sort holds, or null when it is not one that <see cref="NextCursor"/> wrote.</summary>
    private static Position? ReadCursor(string text, string sortText)
    {
        var cursor = DecodeCursor<Cursor>(text);
        if (cursor?.Value is not { } value || cursor.Sort != sortText) return null;
        return sortText.TrimStart('-') switch
        {
            // Npgsql writes a timestamptz only from a UTC DateTimeOffset, and NextCursor writes UTC ones.
            "created_at" or "updated_at" =>
                DateTimeOffset.TryParseExact(value, "O", CultureInfo.InvariantCulture, DateTimeStyles.None, out var time)
                && time.Offset == TimeSpan.Zero
                    ? new Position(time, 0, "", cursor.PatternId)
                    : null,
            "quality_score" =>
                double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var score) && double.IsFinite(score)
                    ? new Position(default, score, "", cursor.PatternId)
                    : null,
            _ => value.Length <= PatternLimits.MaxNameLength ? new Position(default, 0, value, cursor.PatternId) : null,
        };
    }

    private static readonly HashSet<string> KnownParameters = [.. PatternFilterParser.QueryParameters, "sort", "cursor", "limit"];
}
