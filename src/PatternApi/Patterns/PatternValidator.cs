using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using PatternSync.Core.Patterns;
using PatternSync.Core.Serialization;
using PatternSync.PatternApi.Http;

namespace PatternSync.PatternApi.Patterns;

/// <summary>
/// Validates a pattern document field by field, so a 400 names the bad fields at once (a few per field: <see cref="ValidationErrors"/>).
/// Unknown fields are rejected (a typo must not silently drop data); server-owned fields
/// (version, match_count...) are rejected as read-only. Tags are trimmed of spaces, lower-cased and de-duplicated.
/// </summary>
public static partial class PatternValidator
{
    public static readonly IReadOnlyList<string> ReadOnlyFields =
    [
        "pattern_id", "context_hash", "version", "quality_score", "success_rate", "match_count",
        "success_count", "failure_count", "created_at", "updated_at", "last_matched_at", "indexed_version", "indexed_at",
    ];

    /// <param name="patch">A merged patch: every field the pattern had is present unless the patch removed it, and a
    /// required field (status included, which only a create may leave out for its default) must not be removed.</param>
    public static (PatternDocument? Document, Dictionary<string, string[]> Errors) Validate(JsonObject body, bool patch = false)
    {
        var errors = new ValidationErrors();
        void Fail(string field, string message) => errors.Add(field, message);

        RejectUnwritableFields(body, Fail);
        var patternType = PatternType(body, Fail);
        var name = Name(body, Fail);
        var description = Description(body, Fail);
        var context = OptionalObject(body, "context", Fail);
        var executionTrace = OptionalObject(body, "execution_trace", Fail) ?? [];
        var successCriteria = OptionalObject(body, "success_criteria", Fail) ?? [];
        var qualityMetrics = OptionalObject(body, "quality_metrics", Fail) ?? [];
        var performanceData = OptionalObject(body, "performance_data", Fail) ?? [];
        ValidateSteps(executionTrace, Fail);
        ValidateRatios(qualityMetrics, Fail);
        var tags = ValidateTags(body, Fail);
        var status = Status(body, patch, Fail);

        if (errors.Any) return (null, errors.ToDictionary());
        return (new PatternDocument(patternType!, name!, description!, context, executionTrace, successCriteria,
            qualityMetrics, performanceData, tags, status!), errors.ToDictionary());
    }

    private static void RejectUnwritableFields(JsonObject body, Action<string, string> fail)
    {
        foreach (var (field, _) in body)
        {
            if (ReadOnlyFields.Contains(field)) fail(field, "is read-only: the server maintains it.");
            else if (!PatternDocument.WritableFields.Contains(field)) fail(field, "is not a field of a pattern.");
        }
    }

    private static string? PatternType(JsonObject body, Action<string, string> fail)
    {
        var patternType = RequiredString(body, "pattern_type", fail);
        if (patternType is not null && !PatternTypeRegex().IsMatch(patternType))
            fail("pattern_type", "must be snake_case: a lower-case letter, then 1 to 63 lower-case letters, digits or '_'.");
        return patternType;
    }

    private static string? Name(JsonObject body, Action<string, string> fail)
    {
        var name = RequiredString(body, "name", fail)?.Trim();
        if (name is null) return null;
        if (name.Length is < PatternLimits.MinNameLength or > PatternLimits.MaxNameLength)
            fail("name", $"must be {PatternLimits.MinNameLength} to {PatternLimits.MaxNameLength} characters.");
        if (name.Any(char.IsControl)) fail("name", "must not contain control characters.");
        return name;
    }

    private static string? Description(JsonObject body, Action<string, string> fail)
    {
        var description = RequiredString(body, "description", fail)?.Trim();
        if (description is null) return null;
        if (description.Length is 0 or > PatternLimits.MaxDescriptionLength)
            fail("description", $"must be 1 to {PatternLimits.MaxDescriptionLength} characters.");
        if (RequestFields.HasControlCharacters(description))
            fail("description", "must not contain control characters other than line breaks and tabs.");
        return description;
    }

    /// <summary>Only a create may leave status out, for its default; a merged patch must keep it.</summary>
    private static string? Status(JsonObject body, bool patch, Action<string, string> fail)
    {
        var status = body.ContainsKey("status") || patch ? RequiredString(body, "status", fail) : PatternStatus.Active;
        if (status is not null && !PatternStatus.IsKnown(status))
            fail("status", $"must be one of: {string.Join(", ", PatternStatus.All)}.");
        return status;
    }

    private static string? RequiredString(JsonObject body, string field, Action<string, string> fail)
    {
        if (!body.TryGetPropertyValue(field, out var node) || node is null)
        {
            fail(field, "is required.");
            return null;
        }
        if (node.GetValueKind() != JsonValueKind.String)
        {
            fail(field, "must be a string.");
            return null;
        }
        return node.GetValue<string>();
    }

    private static JsonObject? OptionalObject(JsonObject body, string field, Action<string, string> fail)
    {
        if (!body.TryGetPropertyValue(field, out var node) || node is null) return null;
        if (node is not JsonObject obj)
        {
            fail(field, "must be a JSON object.");
            return null;
        }
        // Measured as PostgreSQL stores and prints it, which can be far longer than the request's text.
        if (JsonbText.StoredLength(obj) > PatternLimits.MaxDocumentBytes)
        {
            fail(field, $"must be at most {PatternLimits.MaxDocumentBytes} bytes of JSON as stored.");
            return null;
        }
        // Detached copies: the request's tree stays untouched and the document can be re-parented.
        return (JsonObject)obj.DeepClone();
    }

    private static void ValidateSteps(JsonObject executionTrace, Action<string, string> fail)
    {
        if (!executionTrace.TryGetPropertyValue("steps", out var steps) || steps is null) return;
        if (steps is not JsonArray array)
        {
            fail("execution_trace.steps", "must be an array of steps.");
            return;
        }
        if (array.Count > PatternLimits.MaxSteps)
        {
            fail("execution_trace.steps", $"must have at most {PatternLimits.MaxSteps} steps.");
            return;
        }
        for (var i = 0; i < array.Count; i++)
        {
            var ok = array[i] switch
            {
                JsonValue value when value.GetValueKind() == JsonValueKind.String =>
                    value.GetValue<string>().Length is > 0 and <= PatternLimits.MaxStepLength,
                JsonObject => true,
                _ => false,
            };
            if (!ok)
                fail($"execution_trace.steps[{i}]",
                    $"must be a non-empty string of at most {PatternLimits.MaxStepLength} characters, or an object.");
        }
    }

    private static void ValidateRatios(JsonObject qualityMetrics, Action<string, string> fail)
    {
        foreach (var metric in QualityScore.RatioMetrics)
        {
            if (!qualityMetrics.TryGetPropertyValue(metric, out var node) || node is null) continue;
            if (node.GetValueKind() != JsonValueKind.Number || node.GetValue<double>() is < 0 or > 1)
                fail($"quality_metrics.{metric}", "must be a number between 0 and 1.");
        }
    }

    private static IReadOnlyList<string> ValidateTags(JsonObject body, Action<string, string> fail)
    {
        if (!body.TryGetPropertyValue("tags", out var node) || node is null) return [];
        if (node is not JsonArray array)
        {
            fail("tags", "must be an array of strings.");
            return [];
        }
        if (array.Count > PatternLimits.MaxTags)
        {
            fail("tags", $"must have at most {PatternLimits.MaxTags} tags.");
            return [];
        }
        var tags = new List<string>(array.Count);
        for (var i = 0; i < array.Count; i++)
        {
            if (array[i] is not JsonValue value || value.GetValueKind() != JsonValueKind.String)
            {
                fail($"tags[{i}]", "must be a string.");
                continue;
            }
            // Spaces only: a line break or another control character is an error, not something to drop.
            var tag = value.GetValue<string>().Trim(' ').ToLowerInvariant();
            if (!TagRegex().IsMatch(tag))
                fail($"tags[{i}]", $"must be 1 to {PatternLimits.MaxTagLength} characters of a-z, 0-9, '.', '_', ':' or '-', "
                    + "starting with a letter or digit.");
            else if (!tags.Contains(tag)) tags.Add(tag);
        }
        return tags;
    }

    [GeneratedRegex(PatternLimits.PatternTypePattern)]
    private static partial Regex PatternTypeRegex();

    [GeneratedRegex(PatternLimits.TagPattern)]
    private static partial Regex TagRegex();
}
