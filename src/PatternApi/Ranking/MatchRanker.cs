using MathNet.Numerics.Distributions;
using Microsoft.Extensions.Options;
using PatternSync.Core.Patterns;
using PatternSync.PatternApi.Matching;
using PatternSync.PatternApi.Retrieval;

namespace PatternSync.PatternApi.Ranking;

/// <summary>A candidate of a match: its row, and why it ranks where it does.</summary>
public sealed record RankedPattern(SuccessPattern Row, double Confidence, ScoreDetails Details, double RankScore);

/// <summary>
/// Orders a match's candidates by expected usefulness, fit × works. A <c>similarity</c> ranking keeps retrieval's order and
/// reads no outcome; <c>explore</c> samples works from its posterior (Thompson sampling) instead of taking its mean.
/// </summary>
public sealed class MatchRanker(
    OutcomeEvidenceReader evidence, SuccessPriors priors, SuccessEstimator estimator, IOptions<RankingOptions> options,
    TimeProvider clock)
{
    /// <summary>
    /// Fit: how well the pattern addresses the intent, retrieval's score (the cosine, plus the lexical part under hybrid).
    /// Not the calibrated confidence: that curve is steep around the threshold, and would let no outcome lift a pattern
    /// over a close neighbour; it thresholds and reports instead.
    /// </summary>
    public static double Fit(RetrievedPattern candidate) => candidate.RetrievalScore;

    /// <summary>How many candidates to read from the index: a learned ranking may lift one from below the limit.</summary>
    public int CandidateCount(MatchRequest request) =>
        request.Ranking == MatchRanking.Learned ? Math.Max(request.Limit, options.Value.CandidatePool) : request.Limit;

    /// <param name="candidates">In retrieval's order, which breaks ties.</param>
    public async Task<IReadOnlyList<RankedPattern>> RankAsync(IReadOnlyList<RetrievedPattern> candidates,
        MatchRequest request, ReadOnlyMemory<float> query, CancellationToken cancellationToken)
    {
        if (request.Ranking == MatchRanking.Similarity)
            return candidates.Select(c => Ranked(c, estimate: null, works: 1)).ToList();

        var outcomes = await evidence.ReadAsync(candidates.Select(c => (c.Row.PatternId, c.Row.Version)).ToList(), cancellationToken);
        var priorMean = await priors.ReadAsync(cancellationToken);
        var now = clock.GetUtcNow();
        return candidates.Select(c =>
            {
                var estimate = estimator.Estimate(priorMean(c.Row.PatternType),
                    outcomes.GetValueOrDefault(c.Row.PatternId) ?? [], query.Span, now);
                var works = request.Explore ? Beta.Sample(Random.Shared, estimate.Alpha, estimate.Beta) : estimate.Mean;
                return Ranked(c, estimate, works);
            })
            .OrderByDescending(r => r.RankScore) // stable: equal scores keep retrieval's order
            .ToList();
    }

    /// <summary>The candidate ranked by fit × works; without an estimate (similarity) works is 1 and nothing is estimated.</summary>
    private static RankedPattern Ranked(RetrievedPattern candidate, SuccessEstimate? estimate, double works)
    {
        var fit = Fit(candidate);
        var rank = fit * works;
        var lexical = candidate.Lexical is { } l ? l with { Score = Round(l.Score) } : null;
        var details = new ScoreDetails(Round(candidate.Similarity), lexical, Round(candidate.RetrievalScore),
            Round(estimate?.Mean), Round(estimate?.OutcomesConsidered), Round(rank));
        return new RankedPattern(candidate.Row, Round(candidate.Confidence), details, rank);
    }

    private static double Round(double value) => Math.Round(value, 4);

    private static double? Round(double? value) => value is { } v ? Round(v) : null;
}
