using Microsoft.Extensions.Options;
using Npgsql;
using PatternSync.Core.Persistence;

namespace PatternSync.PatternApi.Idempotency;

/// <summary>Forgets Idempotency-Keys older than <see cref="IdempotencyOptions.Retention"/>.</summary>
public sealed class IdempotentRequestPruner(
    NpgsqlDataSource dataSource, IOptions<IdempotencyOptions> options, TimeProvider clock, ILogger<IdempotentRequestPruner> logger)
    : RetentionPruner(dataSource, clock, logger)
{
    protected override string Table => "idempotent_requests";
    protected override TimeSpan Retention => options.Value.Retention;
    protected override TimeSpan Interval => options.Value.PruneInterval;
}
