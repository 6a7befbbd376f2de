using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using PatternSync.Core.Persistence;

namespace PatternSync.Core.LexicalIndex;

/// <summary>Section "LexicalIndex".</summary>
public sealed class LexicalIndexOptions
{
    /// <summary>How long a deleted pattern's tombstone is kept for the processes that have not applied it yet.</summary>
    [Range(typeof(TimeSpan), "00:00:10", "365.00:00:00")]
    public TimeSpan TombstoneRetention { get; set; } = TimeSpan.FromDays(7);

    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan TombstonePruneInterval { get; set; } = TimeSpan.FromHours(1);
}

public static class LexicalIndexExtensions
{
    /// <summary>Registers the lexical index of the patterns (one per process) and the pruning of its tombstones.</summary>
    public static IHostApplicationBuilder AddPatternLexicalIndex(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<LexicalIndexOptions>().BindConfiguration("LexicalIndex").ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<PatternLexicalIndex>();
        builder.Services.AddHostedService<TombstonePruner>();
        builder.Services.AddHostedService<LexicalIndexWarmUp>();
        return builder;
    }
}

/// <summary>Deletes the tombstones of deleted patterns after <see cref="LexicalIndexOptions.TombstoneRetention"/>.</summary>
internal sealed class TombstonePruner(
    NpgsqlDataSource dataSource, IOptions<LexicalIndexOptions> options, TimeProvider clock, ILogger<TombstonePruner> logger)
    : RetentionPruner(dataSource, clock, logger)
{
    protected override string Table => "pattern_tombstones";
    protected override TimeSpan Retention => options.Value.TombstoneRetention;
    protected override TimeSpan Interval => options.Value.TombstonePruneInterval;
}
