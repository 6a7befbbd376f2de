using System.Text.Json;
using System.Text.Json.Nodes;
using PatternSync.PatternApi.Matching;

namespace PatternSync.PatternApi.Confidence;

/// <summary>
/// The calibration file: <c>{ "models": { "&lt;EmbeddingModel.Key&gt;": { "hybrid"|"dense"|"lexical": { "a": A, "b": B } } } }</c>,
/// each fit a <see cref="PlattScaling"/> with A &gt; 0.
/// </summary>
public static class CalibrationFile
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <summary>The fits per model key and retrieval mode.</summary>
    /// <exception cref="InvalidDataException">The file is missing or not of this shape; the message names the JSON path.</exception>
    public static IReadOnlyDictionary<string, IReadOnlyDictionary<MatchRetrieval, PlattScaling>> Read(string path)
    {
        if (!File.Exists(path)) throw new InvalidDataException($"'{path}' does not exist.");
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(File.ReadAllText(path));
        }
        catch (Exception e) when (e is JsonException or ArgumentException) // ArgumentException: a key given twice
        {
            throw new InvalidDataException($"'{path}' is not JSON: {e.Message}");
        }
        if (root?["models"] is not JsonObject models) throw Invalid(path, "models", "must be a JSON object");

        var fits = new Dictionary<string, IReadOnlyDictionary<MatchRetrieval, PlattScaling>>();
        foreach (var (key, node) in models)
        {
            if (node is not JsonObject modes) throw Invalid(path, $"models['{key}']", "must be a JSON object");
            fits[key] = modes.ToDictionary(
                mode => ModeOf(path, key, mode.Key),
                mode => FitOf(path, $"models['{key}'].{mode.Key}", mode.Value));
        }
        return fits;
    }

    /// <summary>
    /// Writes this model's fits into the file (a new file when none is there), keeping the other models' entries and this
    /// model's fits of the modes not given.
    /// </summary>
    public static void Write(string path, string modelKey, IReadOnlyDictionary<MatchRetrieval, PlattScaling> fits)
    {
        var root = File.Exists(path) ? JsonNode.Parse(File.ReadAllText(path))!.AsObject() : [];
        if (root["models"] is not JsonObject models) root["models"] = models = [];
        if (models[modelKey] is not JsonObject modes) models[modelKey] = modes = [];
        foreach (var (mode, fit) in fits)
            modes[Name(mode)] = new JsonObject { ["a"] = Math.Round(fit.A, 6), ["b"] = Math.Round(fit.B, 6) };
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        File.WriteAllText(path, root.ToJsonString(Indented) + "\n");
    }

    /// <summary>A mode as the wire and the file spell it.</summary>
    public static string Name(MatchRetrieval mode) => mode.ToString().ToLowerInvariant();

    private static MatchRetrieval ModeOf(string path, string key, string name) =>
        Enum.GetValues<MatchRetrieval>().Where(m => Name(m) == name).Cast<MatchRetrieval?>().SingleOrDefault()
        ?? throw Invalid(path, $"models['{key}'].{name}", "is not a retrieval mode (hybrid, dense or lexical)");

    private static PlattScaling FitOf(string path, string at, JsonNode? node)
    {
        var a = Number(node, "a");
        var b = Number(node, "b");
        if (a is not > 0) throw Invalid(path, at + ".a", "must be a number above 0 (the confidence rises with the score)");
        if (b is not { } finite) throw Invalid(path, at + ".b", "must be a number");
        return new PlattScaling(a.Value, finite);
    }

    private static double? Number(JsonNode? node, string field) =>
        node is JsonObject fit && fit[field] is JsonValue value && value.GetValueKind() == JsonValueKind.Number
            && value.GetValue<double>() is var number && double.IsFinite(number) ? number : null;

    private static InvalidDataException Invalid(string path, string at, string problem) => new($"'{path}': {at} {problem}.");
}
