using System.ComponentModel.DataAnnotations;

namespace PatternSync.PatternApi.Matching;

/// <summary>Section "Matching".</summary>
public sealed class MatchingOptions
{
    /// <summary>Memory for query embeddings, each counted as its key's text and its vector (least recently used ones go first).</summary>
    [Range(0, 1024L * 1024 * 1024)]
    public long QueryCacheBytes { get; set; } = 16 * 1024 * 1024;

    /// <summary>Match records waiting to be written; when it is full a match's record is dropped (counted), not waited for.</summary>
    [Range(1, 1_000_000)]
    public int RecordQueueCapacity { get; set; } = 10_000;

    /// <summary>How long a match record is kept: an outcome naming an older match counts pattern-wide.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "3650.00:00:00")]
    public TimeSpan RecordRetention { get; set; } = TimeSpan.FromDays(30);

    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan RecordPruneInterval { get; set; } = TimeSpan.FromMinutes(10);
}
