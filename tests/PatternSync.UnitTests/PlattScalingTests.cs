using PatternSync.PatternApi.Confidence;

namespace PatternSync.UnitTests;

/// <summary>
/// Platt scaling: the fit recovers a known logistic model, rises with the score, inverts, repeats, and refuses what cannot be fit.
/// </summary>
public sealed class PlattScalingTests
{
    [Fact]
    public void The_fit_recovers_the_logistic_model_the_labels_were_drawn_from()
    {
        var truth = new PlattScaling(12, -6);

        var fit = PlattScaling.Fit(Draw(truth, count: 20_000, seed: 7));

        Assert.Equal(truth.A, fit.A, 0.6);
        Assert.Equal(truth.B, fit.B, 0.3);
    }

    [Fact]
    public void The_probability_rises_strictly_over_the_scores()
    {
        var fit = PlattScaling.Fit(Draw(new PlattScaling(8, -3), count: 500, seed: 1));

        var grid = Enumerable.Range(0, 201).Select(i => -0.5 + i * 0.01).Select(fit.Probability).ToList();

        Assert.All(grid.Zip(grid.Skip(1)), pair => Assert.True(pair.Second > pair.First, $"{pair.Second} <= {pair.First}"));
        Assert.All(grid, p => Assert.InRange(p, 0, 1));
    }

    [Theory]
    [InlineData(0.05)]
    [InlineData(0.3)]
    [InlineData(0.5)]
    [InlineData(0.7)]
    [InlineData(0.99)]
    public void ScoreAt_inverts_Probability(double probability)
    {
        var scaling = new PlattScaling(9.5, -4.25);

        Assert.Equal(probability, scaling.Probability(scaling.ScoreAt(probability)), 12);
    }

    [Fact]
    public void ScoreAt_the_ends_is_unbounded_so_a_zero_threshold_prunes_nothing()
    {
        var scaling = new PlattScaling(9.5, -4.25);

        Assert.Equal((double.NegativeInfinity, double.PositiveInfinity), (scaling.ScoreAt(0), scaling.ScoreAt(1)));
    }

    [Fact]
    public void Two_fits_of_the_same_answers_are_identical_whatever_their_order()
    {
        var pairs = Draw(new PlattScaling(10, -5), count: 800, seed: 3);

        var first = PlattScaling.Fit(pairs);
        var second = PlattScaling.Fit(pairs);
        var shuffled = PlattScaling.Fit(pairs.OrderBy(_ => Random.Shared.Next()).ToList());

        Assert.Equal(first, second);
        Assert.Equal(first, shuffled);
    }

    [Fact]
    public void A_fit_that_falls_with_the_score_is_refused()
    {
        var decreasing = Draw(new PlattScaling(-10, 5), count: 500, seed: 5);

        var error = Assert.Throws<ArgumentException>(() => PlattScaling.Fit(decreasing));

        Assert.Contains("does not rise with the score", error.Message);
    }

    [Fact]
    public void A_fit_with_too_few_answers_of_a_label_is_refused()
    {
        var pairs = Enumerable.Range(0, 50).Select(i => (i / 50.0, Right: i >= 46)).ToList();

        var error = Assert.Throws<ArgumentException>(() => PlattScaling.Fit(pairs));

        Assert.Contains("got 4 right, 46 wrong", error.Message);
    }

    /// <summary>Scores uniform on [0, 1], each labelled right with the model's probability.</summary>
    private static List<(double Score, bool Right)> Draw(PlattScaling model, int count, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(_ =>
        {
            var score = random.NextDouble();
            return (score, random.NextDouble() < model.Probability(score));
        }).ToList();
    }
}
