using System.ComponentModel;
using ModelContextProtocol.Server;

namespace PatternSync.PatternApi.Mcp;

/// <summary>The prompt that teaches an agent the loop the tools close: match, follow, report against the match.</summary>
[McpServerPromptType]
public static class PatternPrompts
{
    [McpServerPrompt(Name = "find_pattern_for_task", Title = "Find a pattern for a task and report how it went")]
    [Description("How to use PatternSync for a task: find a pattern that worked, follow it, report the outcome.")]
    public static string FindPatternForTask([Description("The task you are about to do, in plain words.")] string task) => $"""
        Before you start this task, look for an approach that worked before: {task}

        1. Call {PatternTools.MatchPatterns} with the task as intent (and context, requirements or filters if you know them).
           Keep the match_id of the response.
        2. If a pattern fits, read its recommendations (and {PatternTools.GetPattern} for its full execution trace) and follow it.
           If none fits, do the task your own way; if it works, store it with {PatternTools.CreatePattern}.
        3. When you know whether the pattern worked, call {PatternTools.RecordOutcome} with its pattern_id, success true or
           false, the match_id from step 1 and short notes. Send an idempotency_key if you might retry the call.
        """;
}
