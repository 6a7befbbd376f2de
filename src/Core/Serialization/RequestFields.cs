using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace PatternSync.Core.Serialization;

/// <summary>
/// Reads request fields, from a JSON body or a query string, with the same checks and messages;
/// each failure is reported through <c>fail(path, message)</c> and leaves the field empty.
/// </summary>
public static class RequestFields
{
    /// <summary>Whether free text holds a control character other than a line break or a tab.</summary>
    public static bool HasControlCharacters(string text) => text.Any(c => char.IsControl(c) && c is not '\n' and not '\t' and not '\r');

    /// <summary>A JSON array's elements as strings, null where one is not a string; empty when the field is absent.</summary>
    public static IReadOnlyList<string?> JsonStringArray(JsonObject body, string field, string path, Action<string, string> fail)
    {
        var node = body[field];
        if (node is null) return [];
        if (node is JsonArray array)
            return array.Select(e => e is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null).ToList();
        fail(path, "must be an array of strings.");
        return [];
    }

    /// <summary>At most <paramref name="maxCount"/> non-blank strings of at most <paramref name="maxLength"/> characters.</summary>
    public static List<string> Strings(IReadOnlyList<string?> values, string path, int maxCount, int maxLength, Action<string, string> fail)
    {
        if (values.Count > maxCount)
        {
            fail(path, $"must have at most {maxCount} entries.");
            return [];
        }
        var accepted = new List<string>();
        for (var i = 0; i < values.Count; i++)
        {
            if (values[i] is { } value && !string.IsNullOrWhiteSpace(value) && value.Length <= maxLength) accepted.Add(value);
            else fail($"{path}[{i}]", $"must be a non-empty string of at most {maxLength} characters.");
        }
        return accepted;
    }

    public static List<string> JsonStrings(
        JsonObject body, string field, string path, int maxCount, int maxLength, Action<string, string> fail) =>
        Strings(JsonStringArray(body, field, path, fail), path, maxCount, maxLength, fail);

    /// <summary>A JSON boolean; false when the field is absent.</summary>
    public static bool JsonBool(JsonObject body, string field, string path, Action<string, string> fail)
    {
        switch (body[field]?.GetValueKind())
        {
            case null: return false;
            case JsonValueKind.True: return true;
            case JsonValueKind.False: return false;
            default:
                fail(path, "must be true or false.");
                return false;
        }
    }

    /// <summary>A JSON number from 0 to 1, or null when the field is absent.</summary>
    public static double? JsonRatio(JsonObject body, string field, string path, Action<string, string> fail)
    {
        var node = body[field];
        if (node is null) return null;
        return Ratio(node.GetValueKind() == JsonValueKind.Number ? node.GetValue<double>() : double.NaN, path, fail);
    }

    /// <summary>A query-string number from 0 to 1.</summary>
    public static double? TextRatio(string? text, string path, Action<string, string> fail) =>
        Ratio(double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) ? value : double.NaN, path, fail);

    private static double? Ratio(double value, string path, Action<string, string> fail)
    {
        if (value is >= 0 and <= 1) return value;
        fail(path, "must be a number between 0 and 1.");
        return null;
    }
}
