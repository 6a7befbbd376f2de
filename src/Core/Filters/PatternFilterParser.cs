using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using PatternSync.Core.Patterns;
using PatternSync.Core.Serialization;

namespace PatternSync.Core.Filters;

/// <summary>
/// Reads a <see cref="PatternFilter"/> from a JSON object (a match's <c>filters</c>, the MCP tools' arguments)
/// or from a listing's query string, each with its own field names, under one set of rules.
/// </summary>
public static class PatternFilterParser
{
    public const int MaxValues = 50;
    public const int MaxStatusLength = 16;

    public static readonly IReadOnlyList<string> JsonFields =
        ["pattern_types", "statuses", "tags", "all_tags", "min_quality_score", "min_success_rate"];
    public static readonly IReadOnlyList<string> QueryParameters =
        ["pattern_type", "status", "tag", "tag_match", "min_quality_score", "min_success_rate"];

    private sealed record Values(
        IReadOnlyList<string?> PatternTypes, IReadOnlyList<string?> Statuses, IReadOnlyList<string?> Tags,
        bool AllTags, double? MinQualityScore, double? MinSuccessRate);

    /// <summary>The filter a JSON object holds; error paths start with <paramref name="path"/> (e.g. <c>filters.</c>).</summary>
    public static PatternFilter FromJson(JsonObject filters, string path, Action<string, string> fail)
    {
        foreach (var (field, _) in filters.Where(p => !JsonFields.Contains(p.Key))) fail(path + field, "is not a filter.");
        var values = new Values(
            RequestFields.JsonStringArray(filters, "pattern_types", path + "pattern_types", fail),
            RequestFields.JsonStringArray(filters, "statuses", path + "statuses", fail),
            RequestFields.JsonStringArray(filters, "tags", path + "tags", fail),
            RequestFields.JsonBool(filters, "all_tags", path + "all_tags", fail),
            RequestFields.JsonRatio(filters, "min_quality_score", path + "min_quality_score", fail),
            RequestFields.JsonRatio(filters, "min_success_rate", path + "min_success_rate", fail));
        return Check(values, path + "pattern_types", path + "statuses", path + "tags", fail);
    }

    /// <summary>The filter of a listing's query string; parameters that are not filters are the caller's to check.</summary>
    public static PatternFilter FromQuery(IQueryCollection query, Action<string, string> fail)
    {
        var tagMatch = query["tag_match"].ToString();
        if (tagMatch is not ("" or "any" or "all")) fail("tag_match", "must be 'any' or 'all'.");
        var values = new Values(
            query["pattern_type"].ToList(), query["status"].ToList(), query["tag"].ToList(), tagMatch == "all",
            query.ContainsKey("min_quality_score") ? RequestFields.TextRatio(query["min_quality_score"], "min_quality_score", fail) : null,
            query.ContainsKey("min_success_rate") ? RequestFields.TextRatio(query["min_success_rate"], "min_success_rate", fail) : null);
        return Check(values, "pattern_type", "status", "tag", fail);
    }

    private static PatternFilter Check(Values values, string typesPath, string statusesPath, string tagsPath, Action<string, string> fail)
    {
        var statuses = RequestFields.Strings(values.Statuses, statusesPath, MaxValues, MaxStatusLength, fail);
        if (statuses.Any(s => !PatternStatus.IsKnown(s))) fail(statusesPath, $"must hold only: {string.Join(", ", PatternStatus.All)}.");
        return new PatternFilter
        {
            PatternTypes = RequestFields.Strings(values.PatternTypes, typesPath, MaxValues, PatternLimits.MaxPatternTypeLength, fail),
            Statuses = statuses,
            Tags = RequestFields.Strings(values.Tags, tagsPath, MaxValues, PatternLimits.MaxTagLength, fail)
                .Select(t => t.Trim().ToLowerInvariant()).Distinct().ToList(),
            AllTags = values.AllTags,
            MinQualityScore = values.MinQualityScore,
            MinSuccessRate = values.MinSuccessRate,
        };
    }
}
