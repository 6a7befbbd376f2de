using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using ModelContextProtocol.Protocol;
using PatternSync.Core.Serialization;

namespace PatternSync.PatternApi.Mcp;

/// <summary>
/// How a tool answers: the REST response's JSON as structured content with a one-line summary for text-only models,
/// or a tool error whose text carries the REST problem's title and its errors by field.
/// </summary>
public static class ToolResults
{
    public static CallToolResult Success<T>(T response, string summary) => new()
    {
        StructuredContent = JsonSerializer.SerializeToElement(response, PatternJson.Options),
        Content = [new TextContentBlock { Text = summary }],
    };

    public static CallToolResult Error(string text) => new() { IsError = true, Content = [new TextContentBlock { Text = text }] };

    /// <summary>A 400's errors as "title: field message; field message".</summary>
    public static CallToolResult Invalid(string title, IDictionary<string, string[]> errors) =>
        Error($"{title}: {string.Join("; ", errors.SelectMany(e => e.Value.Select(message => $"{e.Key} {message}")))}");

    /// <summary>A refusal the REST handler answers with this problem (not found, key reused, another match's outcome).</summary>
    public static CallToolResult Problem(ProblemHttpResult problem) => problem.ProblemDetails switch
    {
        HttpValidationProblemDetails validation => Invalid(validation.Title ?? "Refused", validation.Errors),
        var details => Error($"{details.Title}: {details.Detail}"),
    };
}
