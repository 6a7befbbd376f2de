using System.Globalization;
using Microsoft.Extensions.Primitives;

namespace PatternSync.PatternApi.Http;

/// <summary>
/// A pattern's ETag is its version, quoted: <c>"3"</c>. <c>If-Match</c> accepts that form, a weak
/// <c>W/"3"</c> or a bare <c>3</c>; <c>*</c> means any version.
/// </summary>
public static class VersionPreconditions
{
    public static string ETag(int version) => $"\"{version.ToString(CultureInfo.InvariantCulture)}\"";

    /// <returns>
    /// false when the header is present but not a version; <paramref name="version"/> is null when there is no precondition.
    /// </returns>
    public static bool TryParseIfMatch(StringValues header, out int? version)
    {
        version = null;
        if (StringValues.IsNullOrEmpty(header)) return true;
        if (header.Count > 1) return false;
        var text = header.ToString().Trim();
        if (text == "*") return true;
        if (text.StartsWith("W/", StringComparison.Ordinal)) text = text[2..];
        if (text.Length >= 2 && text[0] == '"' && text[^1] == '"') text = text[1..^1];
        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) || parsed < 1) return false;
        version = parsed;
        return true;
    }
}
