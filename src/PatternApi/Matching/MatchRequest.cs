using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using PatternSync.Core.Patterns;
using PatternSync.Core.VectorIndex;
using PatternSync.PatternApi.Http;

namespace PatternSync.PatternApi.Matching;

/// <summary>
/// The seed's <c>PatternMatchRequest</c>: <c>intent</c> (required), <c>context</c>, <c>requirements</c>,
/// <c>filters</c>, <c>limit</c> (1–100, default 10), <c>min_confidence</c> (0–1, default 0.3).
/// </summary>
public sealed record MatchRequest(
    string Intent,
    string? Context,
    IReadOnlyList<string> Requirements,
    PatternSearchFilter Filters,
    int Limit,
    float MinConfidence)
{
    public const int DefaultLimit = 10;
    public const int MaxLimit = 100;
    public const float DefaultMinConfidence = 0.3f;
    public const int MaxIntentLength = 2000;
    public const int MaxContextLength = 4000;
    public const int MaxRequirements = 20;
    public const int MaxFilterValues = 50;

    private static readonly HashSet<string> Fields = ["intent", "context", "requirements", "filters", "limit", "min_confidence"];
    private static readonly HashSet<string> FilterFields = ["pattern_types", "statuses", "tags", "min_quality_score", "min_success_rate"];

    public static (MatchRequest? Request, Dictionary<string, string[]> Errors) Parse(JsonObject body)
    {
        var errors = new ValidationErrors();
        void Fail(string field, string message) => errors.Add(field, message);

        foreach (var (field, _) in body.Where(p => !Fields.Contains(p.Key))) Fail(field, "is not a field of a match request.");

        var intent = Text(body, "intent", MaxIntentLength, required: true, Fail);
        var context = body["context"] switch
        {
            null => null,
            JsonValue v when v.GetValueKind() == JsonValueKind.String => Text(body, "context", MaxContextLength, required: false, Fail),
            // A structured context (as the seed hashes one) is matched on its canonical text, as long as a string one may be.
            JsonObject obj => ContextHash.Canonical(obj) is { Length: <= MaxContextLength } canonical ? canonical
                : Failed(() => Fail("context", $"must be at most {MaxContextLength} characters as canonical JSON.")),
            _ => Failed(() => Fail("context", "must be a string or a JSON object.")),
        };
        var requirements = Strings(body, "requirements", MaxRequirements, 500, Fail);

        var filters = PatternSearchFilter.None;
        if (body["filters"] is JsonObject f)
        {
            foreach (var (field, _) in f.Where(p => !FilterFields.Contains(p.Key))) Fail($"filters.{field}", "is not a filter.");
            var statuses = Strings(f, "statuses", MaxFilterValues, 16, Fail, "filters.");
            if (statuses.Any(s => !PatternStatus.IsKnown(s))) Fail("filters.statuses", $"must hold only: {string.Join(", ", PatternStatus.All)}.");
            filters = new PatternSearchFilter
            {
                PatternTypes = Strings(f, "pattern_types", MaxFilterValues, 64, Fail, "filters."),
                Statuses = statuses,
                Tags = Strings(f, "tags", MaxFilterValues, 64, Fail, "filters.").Select(t => t.Trim().ToLowerInvariant()).ToList(),
                MinQualityScore = Ratio(f, "min_quality_score", Fail, "filters."),
                MinSuccessRate = Ratio(f, "min_success_rate", Fail, "filters."),
            };
        }
        else if (body["filters"] is not null) Fail("filters", "must be a JSON object.");

        var limit = DefaultLimit;
        if (body["limit"] is { } l && (l.GetValueKind() != JsonValueKind.Number || !l.AsValue().TryGetValue(out limit) || limit is < 1 or > MaxLimit))
            Fail("limit", $"must be a whole number from 1 to {MaxLimit}.");
        var minConfidence = (float?)Ratio(body, "min_confidence", Fail) ?? DefaultMinConfidence;

        if (errors.Any) return (null, errors.ToDictionary());
        return (new MatchRequest(intent!, context, requirements, filters, limit, minConfidence), errors.ToDictionary());
    }

    private static string? Failed(Action fail)
    {
        fail();
        return null;
    }

    private static string? Text(JsonObject body, string field, int maxLength, bool required, Action<string, string> fail)
    {
        var node = body[field];
        if (node is null)
        {
            if (required) fail(field, "is required.");
            return null;
        }
        if (node.GetValueKind() != JsonValueKind.String) return Failed(() => fail(field, "must be a string."));
        var text = node.GetValue<string>().Trim();
        if (required && text.Length == 0) return Failed(() => fail(field, "must not be empty."));
        if (text.Length > maxLength) return Failed(() => fail(field, $"must be at most {maxLength} characters."));
        if (text.Any(c => char.IsControl(c) && c is not '\n' and not '\t' and not '\r')) return Failed(() => fail(field, "must not contain control characters."));
        return text;
    }

    private static List<string> Strings(JsonObject body, string field, int maxCount, int maxLength, Action<string, string> fail, string path = "")
    {
        var node = body[field];
        if (node is null) return [];
        if (node is not JsonArray array)
        {
            fail(path + field, "must be an array of strings.");
            return [];
        }
        if (array.Count > maxCount)
        {
            fail(path + field, $"must have at most {maxCount} entries.");
            return [];
        }
        var values = new List<string>();
        for (var i = 0; i < array.Count; i++)
        {
            if (array[i] is JsonValue v && v.GetValueKind() == JsonValueKind.String && v.GetValue<string>().Length is > 0 and var n && n <= maxLength)
                values.Add(v.GetValue<string>());
            else fail($"{path}{field}[{i}]", $"must be a non-empty string of at most {maxLength} characters.");
        }
        return values;
    }

    private static double? Ratio(JsonObject body, string field, Action<string, string> fail, string path = "")
    {
        var node = body[field];
        if (node is null) return null;
        if (node.GetValueKind() == JsonValueKind.Number && node.GetValue<double>() is >= 0 and <= 1 and var value) return value;
        fail(path + field, "must be a number between 0 and 1.");
        return null;
    }

    /// <summary>
    /// The one composition of the text a request is matched on: the intent, then the context and the
    /// requirements on lines of their own, so the embedding weighs them as the seed's request reads.
    /// </summary>
    public string EmbeddingText()
    {
        var text = Intent;
        if (!string.IsNullOrEmpty(Context)) text += "\nContext: " + Context;
        if (Requirements.Count > 0) text += "\nRequirements: " + string.Join(", ", Requirements);
        return text;
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"match '{Intent}' limit {Limit} min {MinConfidence}");
}
