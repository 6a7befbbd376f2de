using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace PatternSync.PatternApi.Http;

/// <summary>
/// What PostgreSQL's jsonb accepts and how long it prints it. jsonb keeps numbers as <c>numeric</c> and
/// prints them without an exponent, so <c>1e100000</c> (8 request bytes) prints 100,001 digits each time a
/// row is read: sizes are measured on that printed text, not on the request.
/// </summary>
public static class JsonbText
{
    /// <summary>Longest number as PostgreSQL prints it: |x| below 1e31, or about 30 decimal places.</summary>
    public const int MaxNumberLength = 32;

    /// <summary>Why PostgreSQL's jsonb would refuse or bloat this number, or null when it is fine.</summary>
    public static string? NumberProblem(string number) =>
        !double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !double.IsFinite(value)
            ? "is a number outside the range of a double."
            : PrintedNumberLength(number) > MaxNumberLength
                ? $"is a number PostgreSQL would print in more than {MaxNumberLength} characters (no exponent)."
                : null;

    /// <summary>Why PostgreSQL's jsonb would refuse this string, or null when it is fine.</summary>
    public static string? StringProblem(string text) =>
        text.Contains('\0') ? "must not contain \\u0000 (PostgreSQL cannot store it)." : null;

    /// <summary>The length in UTF-8 bytes of <c>node::jsonb::text</c>.</summary>
    public static long StoredLength(JsonNode? node)
    {
        switch (node)
        {
            case null:
                return 4;
            case JsonObject obj:
                return 2 + Math.Max(0, 2 * (obj.Count - 1)) + obj.Sum(p => StringLength(p.Key) + 2 + StoredLength(p.Value));
            case JsonArray array:
                return 2 + Math.Max(0, 2 * (array.Count - 1)) + array.Sum(StoredLength);
            default:
                return node.GetValueKind() switch
                {
                    JsonValueKind.String => StringLength(node.GetValue<string>()),
                    JsonValueKind.Number => PrintedNumberLength(node.ToJsonString()),
                    JsonValueKind.True => 4,
                    _ => 5,
                };
        }
    }

    // PostgreSQL's escape_json: quotes, backslashes and the five short escapes take 2 bytes, other
    // control characters 6 (\u00XX), everything else its UTF-8 bytes.
    private static long StringLength(string text)
    {
        long length = 2;
        foreach (var rune in text.EnumerateRunes())
            length += rune.Value switch
            {
                '"' or '\\' or '\b' or '\f' or '\n' or '\r' or '\t' => 2,
                < 0x20 => 6,
                _ => rune.Utf8SequenceLength,
            };
        return length;
    }

    /// <summary>
    /// How many characters PostgreSQL's numeric output gives a JSON number: its integer digits (at least
    /// one), then as many decimals as the text had after the point, less the exponent.
    /// </summary>
    private static long PrintedNumberLength(string number)
    {
        var negative = number.StartsWith('-');
        var text = negative ? number.AsSpan(1) : number.AsSpan();
        var e = text.IndexOfAny('e', 'E');
        long exponent = 0;
        if (e >= 0 && !long.TryParse(text[(e + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out exponent))
            return long.MaxValue;
        // Beyond this any non-zero value is out of range and any zero prints as "0" with or without decimals.
        exponent = Math.Clamp(exponent, -1_000_000, 1_000_000);
        var mantissa = e >= 0 ? text[..e] : text;
        var point = mantissa.IndexOf('.');
        var integerDigits = point >= 0 ? point : mantissa.Length;
        var decimals = point >= 0 ? mantissa.Length - point - 1 : 0;
        var leadingZeros = 0;
        foreach (var c in mantissa)
        {
            if (c == '.') continue;
            if (c != '0') break;
            leadingZeros++;
        }
        var isZero = leadingZeros == integerDigits + decimals;
        var printedIntegerDigits = isZero ? 1 : Math.Max(1, integerDigits + exponent - leadingZeros);
        var scale = Math.Max(0, decimals - exponent);
        return (negative && !isZero ? 1 : 0) + printedIntegerDigits + (scale > 0 ? 1 + scale : 0);
    }
}
