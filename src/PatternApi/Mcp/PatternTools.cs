using System.ComponentModel;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Primitives;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;
using PatternSync.Core.Persistence;
using PatternSync.Core.Serialization;
using PatternSync.PatternApi.Apis;
using PatternSync.PatternApi.Matching;
using PatternSync.PatternApi.Patterns;
using PatternSync.PatternApi.Security;

namespace PatternSync.PatternApi.Mcp;

/// <summary>
/// The MCP tools: each builds the REST request from its arguments and hands it to the parser and service the REST handler
/// uses, so validation, idempotency and the outbox have one home. Arguments are snake_case as in the REST API.
/// </summary>
[McpServerToolType]
public sealed class PatternTools(PatternMatcher matcher, PatternDbContext db, PatternChanges changes, McpCaller caller)
{
    public const string MatchPatterns = "match_patterns";
    public const string RecordOutcome = "record_outcome";
    public const string GetPattern = "get_pattern";
    public const string CreatePattern = "create_pattern";
    public const string ListPatterns = "list_patterns";

    [McpServerTool(Name = MatchPatterns, Title = "Find patterns that worked", ReadOnly = true, Idempotent = false, Destructive = false,
        OpenWorld = false, UseStructuredContent = true, OutputSchemaType = typeof(MatchResponse))]
    [Description("""
        Find stored success patterns (approaches that worked before) for a task, ranked by fit to the intent times how well
        each has worked. Use it before starting a task. Follow the best pattern's recommendations, then call record_outcome
        with its pattern_id and this response's match_id. Each call is recorded as a match (that is why it is not idempotent);
        nothing else changes.
        """)]
    public async Task<CallToolResult> MatchPatternsAsync(
        [Description("What you are trying to do, in plain words (required, at most 2000 characters).")] string intent,
        [Description("The situation: text, or a JSON object such as {\"language\": \"csharp\", \"framework\": \"aspnetcore\"}.")]
        JsonElement? context = null,
        [Description("Constraints the pattern must meet, e.g. [\"no new dependencies\"] (at most 20).")] string[]? requirements = null,
        [Description("Narrow the candidates: {\"pattern_types\": [..], \"statuses\": [..], \"tags\": [..], \"all_tags\": bool, " +
            "\"min_quality_score\": 0-1, \"min_success_rate\": 0-1}.")]
        JsonElement? filters = null,
        [Description("How many patterns at most, 1-100 (default 10).")] int? limit = null,
        [Description("Least confidence a pattern needs, 0-1 (default 0.3): the probability it fits the intent.")]
        double? min_confidence = null,
        [Description("\"learned\" (default: fit times how well it worked) or \"similarity\" (fit only).")] string? ranking = null,
        [Description("true to try a less-proven pattern now and then, so new patterns get a chance (learned ranking only).")]
        bool? explore = null,
        [Description("\"hybrid\" (default: meaning and exact words, so quoted flags, keys and error codes count), " +
            "\"dense\" (meaning only) or \"lexical\" (words only).")]
        string? retrieval = null,
        CancellationToken cancellationToken = default)
    {
        if (caller.Lacks(Scopes.PatternsRead) is { } lacks) return lacks;
        var body = Body(("intent", intent), ("context", context), ("requirements", requirements), ("filters", filters),
            ("limit", limit), ("min_confidence", min_confidence), ("ranking", ranking), ("explore", explore),
            ("retrieval", retrieval));
        var (match, errors) = MatchRequest.Parse(body);
        if (match is null) return ToolResults.Invalid("The match request is not valid", errors);
        var response = await matcher.MatchAsync(match, cancellationToken);
        var best = response.MatchedPatterns.FirstOrDefault();
        return ToolResults.Success(response, best is null
            ? $"No pattern fits; match_id {response.MatchId}."
            : $"{response.MatchedPatterns.Count} pattern(s); best: {best.Name} ({best.PatternId}, " +
              $"confidence {best.ConfidenceScore:0.00}). " +
              $"Report how it went with record_outcome and match_id {response.MatchId}.");
    }

    [McpServerTool(Name = RecordOutcome, Title = "Report how a pattern did", ReadOnly = false, Idempotent = false, Destructive = false,
        OpenWorld = false, UseStructuredContent = true, OutputSchemaType = typeof(PatternResponse))]
    [Description("""
        Report whether a pattern worked after you used it, so the ranking learns from it. Name the match it answers with
        match_id (from match_patterns): the outcome then counts for that kind of task. Each call counts once more; to retry
        safely after a lost answer, send the same idempotency_key. Returns the pattern with its updated statistics.
        """)]
    public async Task<CallToolResult> RecordOutcomeAsync(
        [Description("The pattern you used (a uuid from match_patterns).")] string pattern_id,
        [Description("true if the pattern worked for your task, false if it did not.")] bool? success,
        [Description("The match_id of the match_patterns response that suggested the pattern.")] string? match_id = null,
        [Description("What happened, briefly (at most 2000 characters, no control characters but newline and tab).")]
        string? notes = null,
        [Description("Any unique string (1-200 visible ASCII characters); a retry with the same key and arguments counts once.")]
        string? idempotency_key = null,
        CancellationToken cancellationToken = default)
    {
        if (caller.Lacks(Scopes.PatternsWrite) is { } lacks) return lacks;
        if (!Guid.TryParse(pattern_id, out var id)) return ToolResults.Problem(PatternProblems.BadPatternId());
        var body = Body(("success", success), ("match_id", match_id), ("notes", notes));
        var (report, errors) = OutcomesApi.ParseOutcome(body);
        if (report is null) return ToolResults.Invalid("The outcome is not valid", errors);
        var (key, keyError) = caller.Idempotency(idempotency_key, $"{RecordOutcome} {id}", body);
        if (keyError is not null) return keyError;
        var result = await changes.RecordOutcomeAsync(id, report, caller.Name, key, cancellationToken);
        return Written(result, p => $"Recorded a {(report.Success ? "success" : "failure")} for {p.Name}: " +
            $"{p.SuccessCount} successes, {p.FailureCount} failures.");
    }

    [McpServerTool(Name = GetPattern, Title = "Read a pattern", ReadOnly = true, Idempotent = true, Destructive = false,
        OpenWorld = false, UseStructuredContent = true, OutputSchemaType = typeof(PatternResponse))]
    [Description("Read one stored pattern in full: its execution trace, success criteria, metrics and outcome statistics.")]
    public async Task<CallToolResult> GetPatternAsync(
        [Description("The pattern's uuid.")] string pattern_id, CancellationToken cancellationToken = default)
    {
        if (caller.Lacks(Scopes.PatternsRead) is { } lacks) return lacks;
        if (!Guid.TryParse(pattern_id, out var id)) return ToolResults.Problem(PatternProblems.BadPatternId());
        var pattern = await db.Patterns.AsNoTracking().FirstOrDefaultAsync(p => p.PatternId == id, cancellationToken);
        if (pattern is null) return ToolResults.Problem(PatternProblems.NotFound(id));
        var response = PatternResponse.From(pattern);
        return ToolResults.Success(response, Summary(response));
    }

    [McpServerTool(Name = CreatePattern, Title = "Store a new pattern", ReadOnly = false, Idempotent = false, Destructive = false,
        OpenWorld = false, UseStructuredContent = true, OutputSchemaType = typeof(PatternResponse))]
    [Description("""
        Store an approach that worked as a new success pattern, so later tasks can find it with match_patterns (it becomes
        findable once indexed, usually within seconds). Each call stores a new pattern; to retry safely after a lost answer,
        send the same idempotency_key.
        """)]
    public async Task<CallToolResult> CreatePatternAsync(
        [Description("The kind of pattern, e.g. \"code_generation\", \"debugging\", \"deployment\".")] string pattern_type,
        [Description("A short title.")] string name,
        [Description("What the pattern does and when it applies; this text is what match_patterns searches.")] string description,
        [Description("The steps that worked, as a JSON object, e.g. {\"steps\": [..]}.")] JsonElement? execution_trace = null,
        [Description("How success was judged, as a JSON object.")] JsonElement? success_criteria = null,
        [Description("The situation it worked in, as a JSON object (hashed, not stored).")] JsonElement? context = null,
        [Description("Measured quality, as a JSON object, e.g. {\"quality_score\": 0.9}.")] JsonElement? quality_metrics = null,
        [Description("Timings and costs, as a JSON object.")] JsonElement? performance_data = null,
        [Description("Tags for filtering.")] string[]? tags = null,
        [Description("\"active\" (default), \"deprecated\" or \"archived\".")] string? status = null,
        [Description("Any unique string (1-200 visible ASCII characters); a retry with the same key and arguments creates one pattern.")]
        string? idempotency_key = null,
        CancellationToken cancellationToken = default)
    {
        if (caller.Lacks(Scopes.PatternsWrite) is { } lacks) return lacks;
        var body = Body(("pattern_type", pattern_type), ("name", name), ("description", description),
            ("execution_trace", execution_trace), ("success_criteria", success_criteria), ("context", context),
            ("quality_metrics", quality_metrics), ("performance_data", performance_data), ("tags", tags), ("status", status));
        var (key, keyError) = caller.Idempotency(idempotency_key, CreatePattern, body);
        if (keyError is not null) return keyError;
        var result = await changes.CreateAsync(body, key, cancellationToken);
        if (result is PatternChangeResult.Invalid invalid) return ToolResults.Invalid("The pattern is not valid", invalid.Errors);
        return Written(result, p => $"Created {Summary(p)}");
    }

    [McpServerTool(Name = ListPatterns, Title = "List patterns", ReadOnly = true, Idempotent = true, Destructive = false,
        OpenWorld = false, UseStructuredContent = true, OutputSchemaType = typeof(PatternPage))]
    [Description("""
        Browse stored patterns by type, status, tags and scores, one page at a time (newest first unless sort says otherwise).
        To find patterns for a task, use match_patterns instead. Pass next_cursor as cursor for the next page.
        """)]
    public async Task<CallToolResult> ListPatternsAsync(
        [Description("Only these pattern types.")] string[]? pattern_type = null,
        [Description("Only these statuses (active, deprecated, archived).")] string[]? status = null,
        [Description("Only patterns with these tags.")] string[]? tag = null,
        [Description("\"any\" (default): a pattern has one of the tags; \"all\": every tag.")] string? tag_match = null,
        [Description("Least quality score, 0-1.")] double? min_quality_score = null,
        [Description("Least success rate, 0-1.")] double? min_success_rate = null,
        [Description("created_at, updated_at, quality_score or name; prefix '-' for descending (default -created_at).")]
        string? sort = null,
        [Description("Page size, 1-100 (default 20).")] int? limit = null,
        [Description("next_cursor from the previous page.")] string? cursor = null,
        CancellationToken cancellationToken = default)
    {
        if (caller.Lacks(Scopes.PatternsRead) is { } lacks) return lacks;
        var parameters = new Dictionary<string, StringValues>();
        void Add(string name, object? value)
        {
            if (value is not null) parameters[name] = value is string[] many ? many : Convert.ToString(value, CultureInfo.InvariantCulture);
        }
        Add("pattern_type", pattern_type); Add("status", status); Add("tag", tag); Add("tag_match", tag_match);
        Add("min_quality_score", min_quality_score); Add("min_success_rate", min_success_rate);
        Add("sort", sort); Add("limit", limit); Add("cursor", cursor);
        var (query, errors) = PatternListQuery.Parse(new QueryCollection(parameters));
        if (query is null) return ToolResults.Invalid("The listing parameters are not valid", errors);
        var page = await query.PageAsync(db.Patterns.AsNoTracking(), cancellationToken);
        var more = page.NextCursor is null ? "." : "; more with cursor " + page.NextCursor;
        return ToolResults.Success(page, $"{page.Items.Count} pattern(s){more}");
    }

    /// <summary>The request body REST would have received: the arguments given, in their JSON form.</summary>
    private static JsonObject Body(params (string Name, object? Value)[] fields)
    {
        var body = new JsonObject();
        foreach (var (name, value) in fields.Where(f => f.Value is not null))
            body[name] = JsonSerializer.SerializeToNode(value, PatternJson.Options);
        return body;
    }

    private static CallToolResult Written(PatternChangeResult result, Func<PatternResponse, string> summary) =>
        result is PatternChangeResult.Written written
            ? ToolResults.Success(written.Pattern, summary(written.Pattern) + (written.Replayed ? " (replayed: this key was seen)" : ""))
            : ToolResults.Problem(PatternChangeResponses.Refused(result));

    private static string Summary(PatternResponse p) =>
        $"{p.Name} ({p.PatternId}, {p.PatternType}, {p.Status}, version {p.Version}): " +
        $"{p.SuccessCount} successes, {p.FailureCount} failures, {p.MatchCount} matches.";
}
