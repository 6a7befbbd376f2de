using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace PatternSync.Core.Patterns;

/// <summary>
/// The one place that decides what text of a pattern is embedded: type, name, description, tags and trace steps.
/// Its SHA-256 is the content hash: the index re-embeds only when it changes, so statistics never cost an embedding.
/// </summary>
public static class PatternEmbeddingText
{
    public static string Compose(string patternType, string name, string description, IEnumerable<string> tags, IEnumerable<string> steps)
    {
        var text = new StringBuilder()
            .Append("Pattern Type: ").AppendLine(patternType.Replace('_', ' '))
            .Append("Name: ").AppendLine(name)
            .Append("Description: ").AppendLine(description)
            .Append("Tags: ").AppendLine(string.Join(", ", tags));
        var stepList = steps.ToList();
        if (stepList.Count > 0) text.Append("Steps: ").AppendLine(string.Join("; ", stepList));
        return text.ToString();
    }

    public static string Compose(SuccessPattern pattern) => Compose(
        pattern.PatternType, pattern.Name, pattern.Description, pattern.Tags,
        ExecutionTrace.Steps(JsonNode.Parse(pattern.ExecutionTrace)));

    public static string Hash(string embeddingText) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(embeddingText)));
}
