using Microsoft.Extensions.Options;
using Npgsql;
using PatternSync.Core.Persistence;

namespace PatternSync.PatternApi.Matching;

/// <summary>
/// Deletes match records older than <see cref="MatchingOptions.RecordRetention"/>; a later outcome naming one counts pattern-wide.
/// </summary>
public sealed class MatchRecordPruner(
    NpgsqlDataSource dataSource, IOptions<MatchingOptions> options, TimeProvider clock, ILogger<MatchRecordPruner> logger)
    : RetentionPruner(dataSource, clock, logger)
{
    protected override string Table => "match_records";
    protected override TimeSpan Retention => options.Value.RecordRetention;
    protected override TimeSpan Interval => options.Value.RecordPruneInterval;
}
