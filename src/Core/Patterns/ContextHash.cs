using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace PatternSync.Core.Patterns;

/// <summary>
/// SHA-256 (lower-case hex) of the context's canonical JSON as the seed's Python producers write it,
/// <c>json.dumps(context, sort_keys=True)</c> (sorted keys, ", " and ": ", \uXXXX escapes, numbers as written),
/// so a producer gets the same hash for the same context.
/// </summary>
public static class ContextHash
{
    public static string Compute(JsonNode? context)
    {
        var canonical = new StringBuilder();
        WriteCanonical(context, canonical);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.ASCII.GetBytes(canonical.ToString())));
    }

    public static string Canonical(JsonNode? context)
    {
        var canonical = new StringBuilder();
        WriteCanonical(context, canonical);
        return canonical.ToString();
    }

    private static void WriteCanonical(JsonNode? node, StringBuilder output)
    {
        switch (node)
        {
            case null:
                output.Append("null");
                break;
            case JsonObject obj:
                output.Append('{');
                var first = true;
                foreach (var (key, value) in obj.OrderBy(p => p.Key, StringComparer.Ordinal))
                {
                    if (!first) output.Append(", ");
                    first = false;
                    WriteString(key, output);
                    output.Append(": ");
                    WriteCanonical(value, output);
                }
                output.Append('}');
                break;
            case JsonArray array:
                output.Append('[');
                for (var i = 0; i < array.Count; i++)
                {
                    if (i > 0) output.Append(", ");
                    WriteCanonical(array[i], output);
                }
                output.Append(']');
                break;
            case JsonValue value when value.TryGetValue<string>(out var text):
                WriteString(text, output);
                break;
            case JsonValue value when value.TryGetValue<bool>(out var flag):
                output.Append(flag ? "true" : "false");
                break;
            default:
                output.Append(node.ToJsonString());
                break;
        }
    }

    private static void WriteString(string text, StringBuilder output)
    {
        output.Append('"');
        foreach (var c in text)
        {
            switch (c)
            {
                case '"': output.Append("\\\""); break;
                case '\\': output.Append("\\\\"); break;
                case '\n': output.Append("\\n"); break;
                case '\r': output.Append("\\r"); break;
                case '\t': output.Append("\\t"); break;
                case '\b': output.Append("\\b"); break;
                case '\f': output.Append("\\f"); break;
                default:
                    if (c < 0x20 || c > 0x7e)
                        output.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    else
                        output.Append(c);
                    break;
            }
        }
        output.Append('"');
    }
}
