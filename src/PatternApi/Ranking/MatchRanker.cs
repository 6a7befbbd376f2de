using MathNet.Numerics.Distributions;
using Microsoft.Extensions.Options;
using PatternSync.Core.Patterns;
using PatternSync.Core.VectorIndex;
using PatternSync.PatternApi.Matching;

namespace PatternSync.PatternApi.Ranking;

/// <summary>A candidate of a match: its row, its index hit, and why it ranks where it does.</summary>
public sealed record RankedPattern(SuccessPattern Row, ScoreDetails Details, double RankScore);

/// <summary>
/// Orders a match's candidates by expected usefulness, fit × works. A <c>similarity</c> ranking keeps the index's order and
/// reads no outcome; <c>explore</c> samples works from its posterior (Thompson sampling) instead of taking its mean.
/// </summary>
public sealed class MatchRanker(
    OutcomeEvidenceReader evidence, SuccessPriors priors, SuccessEstimator estimator, IOptions<RankingOptions> options,
    TimeProvider clock)
{
    /// <summary>Fit: whether the pattern addresses the intent. Today the index's cosine similarity, the seed's confidence_score.</summary>
    public static double Fit(VectorMatch hit) => hit.Score;

    /// <summary>How many candidates to read from the index: a learned ranking may lift one from below the limit.</summary>
    public int CandidateCount(MatchRequest request) =>
        request.Ranking == MatchRanking.Learned ? Math.Max(request.Limit, options.Value.CandidatePool) : request.Limit;

    /// <param name="candidates">In the index's order, which breaks ties.</param>
    public async Task<IReadOnlyList<RankedPattern>> RankAsync(IReadOnlyList<(SuccessPattern Row, VectorMatch Hit)> candidates,
        MatchRequest request, ReadOnlyMemory<float> query, CancellationToken cancellationToken)
    {
        if (request.Ranking == MatchRanking.Similarity)
            return candidates.Select(c => Ranked(c.Row, Fit(c.Hit), estimate: null, works: 1)).ToList();

        var outcomes = await evidence.ReadAsync(candidates.Select(c => (c.Row.PatternId, c.Row.Version)).ToList(), cancellationToken);
        var priorMean = await priors.ReadAsync(cancellationToken);
        var now = clock.GetUtcNow();
        return candidates.Select(c =>
            {
                var estimate = estimator.Estimate(priorMean(c.Row.PatternType),
                    outcomes.GetValueOrDefault(c.Row.PatternId) ?? [], query.Span, now);
                var works = request.Explore ? Beta.Sample(Random.Shared, estimate.Alpha, estimate.Beta) : estimate.Mean;
                return Ranked(c.Row, Fit(c.Hit), estimate, works);
            })
            .OrderByDescending(r => r.RankScore) // stable: equal scores keep the index's order
            .ToList();
    }

    /// <summary>The candidate ranked by fit × works; without an estimate (similarity) works is 1 and nothing is estimated.</summary>
    private static RankedPattern Ranked(SuccessPattern row, double fit, SuccessEstimate? estimate, double works)
    {
        var rank = fit * works;
        var details = estimate is { } e
            ? new ScoreDetails(Round(fit), Round(e.Mean), Round(e.OutcomesConsidered), Round(rank))
            : new ScoreDetails(Round(fit), null, null, Round(rank));
        return new RankedPattern(row, details, rank);
    }

    private static double Round(double value) => Math.Round(value, 4);
}
