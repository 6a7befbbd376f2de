using Microsoft.Extensions.Options;
using PatternSync.PatternApi.Ranking;

namespace PatternSync.UnitTests;

/// <summary>
/// The "works" estimate against values computed by hand with the defaults: prior and shrink strength 2, half-life 30 days,
/// context bandwidth 0.2.
/// </summary>
public sealed class SuccessEstimatorTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 3, 12, 0, 0, TimeSpan.Zero);
    private static readonly float[] Query = [1, 0];
    private readonly SuccessEstimator _estimator = new(Options.Create(new RankingOptions()));

    [Fact]
    public void A_pattern_without_outcomes_gets_the_prior()
    {
        var estimate = _estimator.Estimate(0.3, [], Query, Now);

        Assert.Equal(0.6, estimate.Alpha, 6);
        Assert.Equal(1.4, estimate.Beta, 6);
        Assert.Equal(0.3, estimate.Mean, 6);
        Assert.Equal(0, estimate.OutcomesConsidered);
    }

    [Fact]
    public void Outcomes_of_unknown_query_count_in_full_for_every_query()
    {
        // rate = (0.5·2 + 3) / (2 + 4) = 2/3; alpha = 2/3·2 + 3, beta = 1/3·2 + 1.
        var estimate = _estimator.Estimate(0.5, [Outcome(true), Outcome(true), Outcome(true), Outcome(false)], Query, Now);

        Assert.Equal(4.333333, estimate.Alpha, 5);
        Assert.Equal(1.666667, estimate.Beta, 5);
        Assert.Equal(0.722222, estimate.Mean, 5);
        Assert.Equal(4, estimate.OutcomesConsidered, 6);
    }

    [Fact]
    public void An_outcome_weighs_half_as_much_after_each_half_life()
    {
        // Weights 0.5 (30 days) and 0.25 (60 days): rate = (1 + 0.5) / (2 + 0.75); alpha = 2·rate + 0.5, beta = 2·(1 - rate) + 0.25.
        var estimate = _estimator.Estimate(0.5, [Outcome(true, ageDays: 30), Outcome(false, ageDays: 60)], Query, Now);

        Assert.Equal(1.590909, estimate.Alpha, 5);
        Assert.Equal(1.159091, estimate.Beta, 5);
        Assert.Equal(0.578512, estimate.Mean, 5);
        Assert.Equal(0.75, estimate.OutcomesConsidered, 6);
    }

    [Fact]
    public void An_outcome_weighs_by_how_close_its_query_was_to_this_one()
    {
        // Same direction (a longer vector: cosine 1, weight 1) succeeded; cosine 0.8 (weight e^-1) failed.
        // rate = (1 + 1) / (2 + 2) = 0.5; alpha = 1 + 1, beta = 1 + e^-1.
        var estimate = _estimator.Estimate(0.5, [Outcome(true, query: [2, 0]), Outcome(false, query: [0.8f, 0.6f])], Query, Now);

        Assert.Equal(2, estimate.Alpha, 5);
        Assert.Equal(1 + Math.Exp(-1), estimate.Beta, 5);
        Assert.Equal(0.593846, estimate.Mean, 5);
        Assert.Equal(1 + Math.Exp(-1), estimate.OutcomesConsidered, 5);
    }

    [Fact]
    public void With_nothing_known_nearby_the_estimate_shrinks_to_the_patterns_overall_rate()
    {
        // Ten failures for an opposite query (cosine -1, weight e^-10 each): rate = 1 / 12, and little moves it here.
        var far = Enumerable.Range(0, 10).Select(_ => Outcome(false, query: [-1, 0])).ToList();

        var estimate = _estimator.Estimate(0.5, far, Query, Now);

        Assert.Equal(1.0 / 12, estimate.Mean, 3);
        Assert.InRange(estimate.OutcomesConsidered, 0, 0.001);
    }

    [Fact]
    public void A_query_vector_of_another_size_counts_as_an_unknown_query()
    {
        var estimate = _estimator.Estimate(0.5, [Outcome(false, query: [0, 1, 0])], Query, Now);

        Assert.Equal(1, estimate.OutcomesConsidered, 6);
    }

    private static OutcomeEvidence Outcome(bool success, double ageDays = 0, float[]? query = null) =>
        new(success, Now - TimeSpan.FromDays(ageDays), query);
}
