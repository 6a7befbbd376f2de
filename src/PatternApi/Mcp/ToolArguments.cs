using System.ComponentModel;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace PatternSync.PatternApi.Mcp;

/// <summary>
/// Names the record whose JSON schema a tool shows as its input schema. The tool does not bind its arguments to it: it hands
/// them as sent to the REST parser, so a missing or mistyped argument is refused with the REST 400's field and message.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class ToolArgumentsAttribute(Type type) : Attribute
{
    public Type Type { get; } = type;
}

public sealed record MatchPatternsArguments(
    [property: JsonRequired, Description("What you are trying to do, in plain words (required, at most 2000 characters).")]
    string Intent,
    [property: Description("The situation: text, or a JSON object such as {\"language\": \"csharp\", \"framework\": \"aspnetcore\"}.")]
    JsonNode? Context = null,
    [property: Description("Constraints the pattern must meet, e.g. [\"no new dependencies\"] (at most 20).")]
    string[]? Requirements = null,
    [property: Description("Narrow the candidates: {\"pattern_types\": [..], \"statuses\": [..], \"tags\": [..], \"all_tags\": bool, " +
        "\"min_quality_score\": 0-1, \"min_success_rate\": 0-1}.")]
    JsonObject? Filters = null,
    [property: Description("How many patterns at most, 1-100 (default 10).")] int? Limit = null,
    [property: Description("Least confidence a pattern needs, 0-1 (default 0.3): the probability it fits the intent.")]
    double? MinConfidence = null,
    [property: Description("\"learned\" (default: fit times how well it worked) or \"similarity\" (fit only).")] string? Ranking = null,
    [property: Description("true to try a less-proven pattern now and then, so new patterns get a chance (learned ranking only).")]
    bool? Explore = null,
    [property: Description("\"hybrid\" (default: meaning and exact words, so quoted flags, keys and error codes count), " +
        "\"dense\" (meaning only) or \"lexical\" (words only).")]
    string? Retrieval = null);

public sealed record RecordOutcomeArguments(
    [property: JsonRequired, Description("The pattern you used (a uuid from match_patterns).")] string PatternId,
    [property: JsonRequired, Description("true if the pattern worked for your task, false if it did not.")] bool Success,
    [property: Description("The match_id of the match_patterns response that suggested the pattern.")] string? MatchId = null,
    [property: Description("What happened, briefly (at most 2000 characters, no control characters but newline and tab).")]
    string? Notes = null,
    [property: Description("Any unique string (1-200 visible ASCII characters); a retry with the same key and arguments counts once.")]
    string? IdempotencyKey = null);

public sealed record GetPatternArguments(
    [property: JsonRequired, Description("The pattern's uuid.")] string PatternId);

public sealed record CreatePatternArguments(
    [property: JsonRequired, Description("The kind of pattern, e.g. \"code_generation\", \"debugging\", \"deployment\".")]
    string PatternType,
    [property: JsonRequired, Description("A short title.")] string Name,
    [property: JsonRequired, Description("What the pattern does and when it applies; this text is what match_patterns searches.")]
    string Description,
    [property: Description("The steps that worked, as a JSON object, e.g. {\"steps\": [..]}.")] JsonObject? ExecutionTrace = null,
    [property: Description("How success was judged, as a JSON object.")] JsonObject? SuccessCriteria = null,
    [property: Description("The situation it worked in, as a JSON object (hashed, not stored).")] JsonObject? Context = null,
    [property: Description("Measured quality, as a JSON object, e.g. {\"quality_score\": 0.9}.")] JsonObject? QualityMetrics = null,
    [property: Description("Timings and costs, as a JSON object.")] JsonObject? PerformanceData = null,
    [property: Description("Tags for filtering.")] string[]? Tags = null,
    [property: Description("\"active\" (default), \"deprecated\" or \"archived\".")] string? Status = null,
    [property: Description(
        "Any unique string (1-200 visible ASCII characters); a retry with the same key and arguments creates one pattern.")]
    string? IdempotencyKey = null);

public sealed record ListPatternsArguments(
    [property: Description("Only these pattern types.")] string[]? PatternType = null,
    [property: Description("Only these statuses (active, deprecated, archived).")] string[]? Status = null,
    [property: Description("Only patterns with these tags.")] string[]? Tag = null,
    [property: Description("\"any\" (default): a pattern has one of the tags; \"all\": every tag.")] string? TagMatch = null,
    [property: Description("Least quality score, 0-1.")] double? MinQualityScore = null,
    [property: Description("Least success rate, 0-1.")] double? MinSuccessRate = null,
    [property: Description("created_at, updated_at, quality_score or name; prefix '-' for descending (default -created_at).")]
    string? Sort = null,
    [property: Description("Page size, 1-100 (default 20).")] int? Limit = null,
    [property: Description("next_cursor from the previous page.")] string? Cursor = null);
