using System.Text.Json;
using System.Text.Json.Nodes;

namespace PatternSync.PatternApi.Confidence;

/// <summary>
/// A query of a labelled set (ops/sample-data/README.md): <c>{ intent, context, expected: [pattern names], split: "tune"|"report" }</c>;
/// other fields (such as <c>identifier</c>) are the set's own and are not read.
/// </summary>
public sealed record LabelledQuery(string Intent, JsonNode? Context, IReadOnlySet<string> Expected, bool Tune)
{
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
        if (entry?["intent"] is not JsonValue intent || intent.GetValueKind() != JsonValueKind.String)
            throw new InvalidDataException($"{at}.intent must be a string.");
        if (entry["expected"] is not JsonArray { Count: > 0 } expected
            || expected.Any(e => e is not JsonValue v || v.GetValueKind() != JsonValueKind.String))
            throw new InvalidDataException($"{at}.expected must be a non-empty array of pattern names.");
        var split = entry["split"] is JsonValue s && s.GetValueKind() == JsonValueKind.String ? s.GetValue<string>() : null;
        if (split is not ("tune" or "report")) throw new InvalidDataException($"{at}.split must be \"tune\" or \"report\".");
        return new LabelledQuery(intent.GetValue<string>(), entry["context"]?.DeepClone(),
            expected.Select(e => e!.GetValue<string>()).ToHashSet(StringComparer.Ordinal), split == "tune");
    }
}
