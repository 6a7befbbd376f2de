using System.ComponentModel;
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
/// The MCP tools: each hands its arguments, as sent, to the parser and service the REST handler uses as its request, so
/// validation (a missing or mistyped argument too), idempotency and the outbox have one home, and a field the REST request
/// gains reaches the tool with it. Arguments are snake_case as in the REST API; <see cref="ToolArgumentsAttribute"/> names
/// the schema a model sees.
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
    [ToolArguments(typeof(MatchPatternsArguments))]
    public async Task<CallToolResult> MatchPatternsAsync(
        RequestContext<CallToolRequestParams> request, CancellationToken cancellationToken = default)
    {
        if (caller.Refuses(Scopes.PatternsRead) is { } refused) return refused;
        var (match, errors) = MatchRequest.Parse(Arguments(request));
        if (match is null) return ToolResults.Invalid(PatternProblems.InvalidMatch, errors);
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
    [ToolArguments(typeof(RecordOutcomeArguments))]
    public async Task<CallToolResult> RecordOutcomeAsync(
        RequestContext<CallToolRequestParams> request, CancellationToken cancellationToken = default)
    {
        if (caller.Refuses(Scopes.PatternsWrite) is { } refused) return refused;
        var body = Arguments(request);
        if (PatternId(body) is not { } id) return ToolResults.Problem(PatternProblems.BadPatternId());
        var idempotencyKey = Take(body, "idempotency_key");
        var (report, errors) = OutcomesApi.ParseOutcome(body);
        if (report is null) return ToolResults.Invalid(PatternProblems.InvalidOutcome, errors);
        var (key, keyError) = caller.Idempotency(idempotencyKey, $"{RecordOutcome} {id}", body);
        if (keyError is not null) return keyError;
        var result = await changes.RecordOutcomeAsync(id, report, caller.Name, key, cancellationToken);
        return Written(result, p => $"Recorded a {(report.Success ? "success" : "failure")} for {p.Name}: " +
            $"{p.SuccessCount} successes, {p.FailureCount} failures.");
    }

    [McpServerTool(Name = GetPattern, Title = "Read a pattern", ReadOnly = true, Idempotent = true, Destructive = false,
        OpenWorld = false, UseStructuredContent = true, OutputSchemaType = typeof(PatternResponse))]
    [Description("Read one stored pattern in full: its execution trace, success criteria, metrics and outcome statistics.")]
    [ToolArguments(typeof(GetPatternArguments))]
    public async Task<CallToolResult> GetPatternAsync(
        RequestContext<CallToolRequestParams> request, CancellationToken cancellationToken = default)
    {
        if (caller.Refuses(Scopes.PatternsRead) is { } refused) return refused;
        if (PatternId(Arguments(request)) is not { } id) return ToolResults.Problem(PatternProblems.BadPatternId());
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
    [ToolArguments(typeof(CreatePatternArguments))]
    public async Task<CallToolResult> CreatePatternAsync(
        RequestContext<CallToolRequestParams> request, CancellationToken cancellationToken = default)
    {
        if (caller.Refuses(Scopes.PatternsWrite) is { } refused) return refused;
        var body = Arguments(request);
        var idempotencyKey = Take(body, "idempotency_key");
        var (key, keyError) = caller.Idempotency(idempotencyKey, CreatePattern, body);
        if (keyError is not null) return keyError;
        var result = await changes.CreateAsync(body, key, cancellationToken);
        if (result is PatternChangeResult.Invalid invalid) return ToolResults.Invalid(PatternProblems.InvalidPattern, invalid.Errors);
        return Written(result, p => $"Created {Summary(p)}");
    }

    [McpServerTool(Name = ListPatterns, Title = "List patterns", ReadOnly = true, Idempotent = true, Destructive = false,
        OpenWorld = false, UseStructuredContent = true, OutputSchemaType = typeof(PatternPage))]
    [Description("""
        Browse stored patterns by type, status, tags and scores, one page at a time (newest first unless sort says otherwise).
        To find patterns for a task, use match_patterns instead. Pass next_cursor as cursor for the next page.
        """)]
    [ToolArguments(typeof(ListPatternsArguments))]
    public async Task<CallToolResult> ListPatternsAsync(
        RequestContext<CallToolRequestParams> request, CancellationToken cancellationToken = default)
    {
        if (caller.Refuses(Scopes.PatternsRead) is { } refused) return refused;
        var (query, errors) = PatternListQuery.Parse(QueryParameters(Arguments(request)));
        if (query is null) return ToolResults.Invalid(PatternProblems.InvalidListing, errors);
        var page = await query.PageAsync(db.Patterns.AsNoTracking(), cancellationToken);
        var more = page.NextCursor is null ? "." : "; more with cursor " + page.NextCursor;
        return ToolResults.Success(page, $"{page.Items.Count} pattern(s){more}");
    }

    /// <summary>The request body REST would have received: the arguments as sent, whatever their JSON types.</summary>
    private static JsonObject Arguments(RequestContext<CallToolRequestParams> request) =>
        JsonSerializer.SerializeToNode(request.Params?.Arguments ?? new Dictionary<string, JsonElement>())!.AsObject();

    /// <summary>Removes an argument REST takes from elsewhere (the path, a header) than the body.</summary>
    private static JsonNode? Take(JsonObject arguments, string name) => arguments.Remove(name, out var node) ? node : null;

    /// <summary>The pattern_id argument, as REST reads it from the path; null when it is missing or not a uuid.</summary>
    private static Guid? PatternId(JsonObject arguments) =>
        Take(arguments, "pattern_id") is JsonValue value && value.TryGetValue<string>(out var text) && Guid.TryParse(text, out var id)
            ? id
            : null;

    /// <summary>The arguments as the listing's query string would carry them: an array as repeated values, the rest as text.</summary>
    private static QueryCollection QueryParameters(JsonObject arguments) => new(arguments.Where(p => p.Value is not null).ToDictionary(
        p => p.Key,
        p => p.Value switch
        {
            JsonArray many => new StringValues(many.Select(Text).ToArray()),
            var one => new StringValues(Text(one)),
        }));

    private static string? Text(JsonNode? node) =>
        node is JsonValue value && value.TryGetValue<string>(out var text) ? text : node?.ToJsonString();

    private static CallToolResult Written(PatternChangeResult result, Func<PatternResponse, string> summary) =>
        result is PatternChangeResult.Written written
            ? ToolResults.Success(written.Pattern, summary(written.Pattern) + (written.Replayed ? " (replayed: this key was seen)" : ""))
            : ToolResults.Problem(PatternChangeResponses.Refused(result));

    private static string Summary(PatternResponse p) =>
        $"{p.Name} ({p.PatternId}, {p.PatternType}, {p.Status}, version {p.Version}): " +
        $"{p.SuccessCount} successes, {p.FailureCount} failures, {p.MatchCount} matches.";
}
