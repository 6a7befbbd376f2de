using System.ComponentModel.DataAnnotations;

namespace PatternSync.PatternApi.Matching;

/// <summary>Section "Matching".</summary>
public sealed class MatchingOptions
{
    /// <summary>Query embeddings kept in memory (least recently used ones go first).</summary>
    [Range(0, 1_000_000)]
    public int QueryCacheSize { get; set; } = 1000;
}
