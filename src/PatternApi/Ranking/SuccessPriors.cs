using Microsoft.Extensions.Options;
using Npgsql;

namespace PatternSync.PatternApi.Ranking;

/// <summary>
/// The prior mean of "works" for a pattern type: the type's outcome rate, shrunk toward the library-wide rate by
/// <see cref="RankingOptions.TypePriorWeight"/> outcomes' worth, which itself starts from <see cref="RankingOptions.DefaultSuccessRate"/>.
/// The counts come from the patterns' counters and are reused for <see cref="RankingOptions.PriorRefreshInterval"/>.
/// </summary>
public sealed class SuccessPriors(NpgsqlDataSource dataSource, IOptions<RankingOptions> options, TimeProvider clock)
{
    private sealed record Counts(DateTimeOffset ReadAt, double LibraryRate, Dictionary<string, (long Successes, long Outcomes)> ByType);

    private Counts? _counts;

    public async Task<Func<string, double>> ReadAsync(CancellationToken cancellationToken)
    {
        var counts = _counts;
        if (counts is null || clock.GetUtcNow() - counts.ReadAt >= options.Value.PriorRefreshInterval)
            _counts = counts = await CountAsync(cancellationToken);
        var weight = options.Value.TypePriorWeight;
        return type => counts.ByType.TryGetValue(type, out var t)
            ? (t.Successes + weight * counts.LibraryRate) / (t.Outcomes + weight)
            : counts.LibraryRate;
    }

    private async Task<Counts> CountAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            "SELECT pattern_type, sum(success_count), sum(success_count + failure_count) FROM success_patterns GROUP BY pattern_type");
        var byType = new Dictionary<string, (long, long)>();
        long successes = 0, outcomes = 0;
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
            while (await reader.ReadAsync(cancellationToken))
            {
                var (typeSuccesses, typeOutcomes) = (reader.GetInt64(1), reader.GetInt64(2));
                byType[reader.GetString(0)] = (typeSuccesses, typeOutcomes);
                successes += typeSuccesses;
                outcomes += typeOutcomes;
            }
        // The library's rate is itself shrunk toward the default, so two lucky outcomes do not set every prior.
        var (strength, rate) = (options.Value.PriorStrength, options.Value.DefaultSuccessRate);
        return new Counts(clock.GetUtcNow(), (successes + strength * rate) / (outcomes + strength), byType);
    }
}
