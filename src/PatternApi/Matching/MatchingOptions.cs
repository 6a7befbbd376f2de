using System.ComponentModel.DataAnnotations;

namespace PatternSync.PatternApi.Matching;

/// <summary>Section "Matching".</summary>
public sealed class MatchingOptions
{
    /// <summary>Memory for query embeddings, each counted as its key's text and its vector (least recently used ones go first).</summary>
    [Range(0, 1024L * 1024 * 1024)]
    public long QueryCacheBytes { get; set; } = 16 * 1024 * 1024;
}
