using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using PatternSync.Core.Filters;
using PatternSync.Core.Patterns;
using PatternSync.Core.Serialization;
using PatternSync.PatternApi.Http;

namespace PatternSync.PatternApi.Matching;

/// <summary>
/// The seed's <c>PatternMatchRequest</c>: <c>intent</c> (required), <c>context</c>, <c>requirements</c>,
/// <c>filters</c>, <c>limit</c> (1–100, default 10), <c>min_confidence</c> (0–1, default 0.3); extended with
/// <c>ranking</c> (<c>learned</c>, the default, or <c>similarity</c>), <c>explore</c> (default false) and <c>retrieval</c>
/// (<c>hybrid</c>, the default, <c>dense</c> or <c>lexical</c>).
/// </summary>
public sealed record MatchRequest(
    string Intent,
    string? Context,
    IReadOnlyList<string> Requirements,
    PatternFilter Filters,
    int Limit,
    float MinConfidence,
    MatchRanking Ranking = MatchRanking.Learned,
    bool Explore = false,
    MatchRetrieval Retrieval = MatchRetrieval.Hybrid,
    // The filters as sent, for the match record; not a field of its own on the wire.
    [property: JsonIgnore] string? FiltersJson = null)
{
    public const int DefaultLimit = 10;
    public const int MaxLimit = 100;
    public const float DefaultMinConfidence = 0.3f;
    public const int MaxIntentLength = 2000;
    public const int MaxContextLength = 4000;
    public const int MaxRequirements = 20;
    public const int MaxRequirementLength = 500;

    private static readonly HashSet<string> Fields =
        ["intent", "context", "requirements", "filters", "limit", "min_confidence", "ranking", "explore", "retrieval"];

    public static (MatchRequest? Request, Dictionary<string, string[]> Errors) Parse(JsonObject body)
    {
        var errors = new ValidationErrors();
        Action<string, string> fail = errors.Add;
        foreach (var (field, _) in body.Where(p => !Fields.Contains(p.Key))) fail(field, "is not a field of a match request.");

        var intent = Text(body, "intent", MaxIntentLength, required: true, fail);
        var context = ReadContext(body, fail);
        var requirements = RequestFields.JsonStrings(body, "requirements", "requirements", MaxRequirements, MaxRequirementLength, fail);
        var filters = ReadFilters(body, fail);
        var limit = ReadLimit(body, fail);
        var minConfidence = (float?)RequestFields.JsonRatio(body, "min_confidence", "min_confidence", fail) ?? DefaultMinConfidence;
        var ranking = ReadChoice(body, "ranking", fail, ("learned", MatchRanking.Learned), ("similarity", MatchRanking.Similarity));
        var explore = RequestFields.JsonBool(body, "explore", "explore", fail);
        if (explore && ranking == MatchRanking.Similarity) fail("explore", "needs \"ranking\": \"learned\".");
        var retrieval = ReadChoice(body, "retrieval", fail,
            ("hybrid", MatchRetrieval.Hybrid), ("dense", MatchRetrieval.Dense), ("lexical", MatchRetrieval.Lexical));

        if (errors.Any) return (null, errors.ToDictionary());
        return (new MatchRequest(intent!, context, requirements, filters, limit, minConfidence, ranking, explore,
            retrieval, body["filters"]?.ToJsonString()), errors.ToDictionary());
    }

    private static string? ReadContext(JsonObject body, Action<string, string> fail) => body["context"] switch
    {
        null => null,
        JsonValue v when v.GetValueKind() == JsonValueKind.String => Text(body, "context", MaxContextLength, required: false, fail),
        // A structured context (as the seed hashes one) is matched on its canonical text, as long as a string one may be.
        JsonObject obj => ContextHash.Canonical(obj) is { Length: <= MaxContextLength } canonical ? canonical
            : Failed(() => fail("context", $"must be at most {MaxContextLength} characters as canonical JSON.")),
        _ => Failed(() => fail("context", "must be a string or a JSON object.")),
    };

    private static PatternFilter ReadFilters(JsonObject body, Action<string, string> fail)
    {
        switch (body["filters"])
        {
            case null: return PatternFilter.None;
            case JsonObject filters: return PatternFilterParser.FromJson(filters, "filters.", fail);
            default:
                fail("filters", "must be a JSON object.");
                return PatternFilter.None;
        }
    }

    /// <summary>A field naming one of a few choices; absent means the first.</summary>
    private static T ReadChoice<T>(JsonObject body, string field, Action<string, string> fail, params (string Name, T Value)[] choices)
    {
        if (body[field] is null) return choices[0].Value;
        var text = body[field] is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;
        foreach (var (name, value) in choices)
            if (name == text) return value;
        var quoted = choices.Select(c => $"\"{c.Name}\"").ToList();
        fail(field, $"must be {string.Join(", ", quoted[..^1])} or {quoted[^1]}.");
        return choices[0].Value;
    }

    private static int ReadLimit(JsonObject body, Action<string, string> fail)
    {
        var limit = DefaultLimit;
        if (body["limit"] is { } l
            && (l.GetValueKind() != JsonValueKind.Number || !l.AsValue().TryGetValue(out limit) || limit is < 1 or > MaxLimit))
            fail("limit", $"must be a whole number from 1 to {MaxLimit}.");
        return limit;
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
        if (RequestFields.HasControlCharacters(text))
            return Failed(() => fail(field, "must not contain control characters."));
        return text;
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
}

/// <summary>How a match orders its candidates: by fit × works (learned) or by fit alone, as the seed did (similarity).</summary>
public enum MatchRanking
{
    Learned,
    Similarity,
}

/// <summary>
/// Where a match's candidates come from: the vector index and the lexical index fused (hybrid), or either one alone.
/// </summary>
public enum MatchRetrieval
{
    Hybrid,
    Dense,
    Lexical,
}
