using System.Text.Json;
using System.Text.Json.Nodes;
using PatternSync.PatternApi.Matching;

namespace PatternSync.PatternApi.Confidence;

/// <summary>
/// A query of a labelled set (ops/sample-data/README.md): <c>{ intent, context, expected: [pattern names], split: "tune"|"report" }</c>;
/// other fields (such as <c>identifier</c>) are the set's own and are not read.
/// </summary>
public sealed record LabelledQuery(string Intent, JsonNode? Context, IReadOnlySet<string> Expected, bool Tune)
{
    /// <summary>
    /// The query as a match that ranks by fit alone with no confidence threshold, so every answer of the top 10 is seen as
    /// retrieval scored it.
    /// </summary>
    public MatchRequest Request(MatchRetrieval retrieval) => MatchRequest.Parse(Body(retrieval)).Request!;

    private JsonObject Body(MatchRetrieval retrieval) => new()
    {
        ["intent"] = Intent, ["context"] = Context?.DeepClone(), ["limit"] = 10, ["min_confidence"] = 0.0, ["ranking"] = "similarity",
        ["retrieval"] = CalibrationFile.Name(retrieval),
    };

    /// <exception cref="InvalidDataException">An entry not of this shape; the message names the file and the entry's path.</exception>
    public static IReadOnlyList<LabelledQuery> Read(string path)
    {
        JsonArray entries;
        try
        {
            entries = JsonNode.Parse(File.ReadAllText(path)) as JsonArray
                ?? throw new InvalidDataException($"{path}: must be a JSON array.");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: is not JSON: {e.Message}");
        }
        return entries.Select((entry, i) => Of(entry, $"{path}: [{i}]")).ToList();
    }

    private static LabelledQuery Of(JsonNode? entry, string at)
    {
        if (entry is not JsonObject) throw new InvalidDataException($"{at} must be a JSON object.");
        if (entry["intent"] is not JsonValue intent || intent.GetValueKind() != JsonValueKind.String)
            throw new InvalidDataException($"{at}.intent must be a string.");
        if (entry["expected"] is not JsonArray { Count: > 0 } expected
            || expected.Any(e => e is not JsonValue v || v.GetValueKind() != JsonValueKind.String))
            throw new InvalidDataException($"{at}.expected must be a non-empty array of pattern names.");
        var split = entry["split"] is JsonValue s && s.GetValueKind() == JsonValueKind.String ? s.GetValue<string>() : null;
        if (split is not ("tune" or "report")) throw new InvalidDataException($"{at}.split must be \"tune\" or \"report\".");
        var query = new LabelledQuery(intent.GetValue<string>(), entry["context"]?.DeepClone(),
            expected.Select(e => e!.GetValue<string>()).ToHashSet(StringComparer.Ordinal), split == "tune");
        var (_, errors) = MatchRequest.Parse(query.Body(MatchRetrieval.Hybrid));
        if (errors.Count > 0)
            throw new InvalidDataException($"{at} is not a valid match: {string.Join("; ", errors.Select(e => $"{e.Key} {e.Value[0]}"))}");
        return query;
    }
}
