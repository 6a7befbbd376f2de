using PatternSync.PatternApi.Confidence;

namespace PatternSync.UnitTests;

/// <summary>
/// Platt scaling on the score and its gap to the best: the fit recovers a known logistic model, rises with the score, repeats,
/// never counts the gap against the best answer, and refuses what cannot be fit.
/// </summary>
public sealed class PlattScalingTests
{
    [Fact]
    public void The_fit_recovers_the_logistic_model_the_labels_were_drawn_from()
    {
        var truth = new PlattScaling(12, -6, 5);

        var fit = PlattScaling.Fit(Draw(truth, count: 20_000, seed: 7));

        Assert.Equal(truth.A, fit.A, 0.8);
        Assert.Equal(truth.B, fit.B, 0.4);
        Assert.Equal(truth.C, fit.C, 0.8);
    }

    [Fact]
    public void The_probability_rises_strictly_with_the_score_at_a_fixed_best()
    {
        var fit = PlattScaling.Fit(Draw(new PlattScaling(8, -3, 4), count: 500, seed: 1));

        const double best = 1.5;
        var grid = Enumerable.Range(0, 201).Select(i => -0.5 + i * 0.01).Select(score => fit.Probability(score, score - best)).ToList();

        Assert.All(grid.Zip(grid.Skip(1)), pair => Assert.True(pair.Second > pair.First, $"{pair.Second} <= {pair.First}"));
        Assert.All(grid, p => Assert.InRange(p, 0, 1));
    }

    [Fact]
    public void A_gap_that_would_count_against_the_best_answer_is_left_out()
    {
        var fit = PlattScaling.Fit(Draw(new PlattScaling(10, -5, -6), count: 5_000, seed: 11));

        Assert.Equal(0, fit.C);
        Assert.True(fit.A > 0);
    }

    [Fact]
    public void Two_fits_of_the_same_answers_are_identical_whatever_their_order()
    {
        var answers = Draw(new PlattScaling(10, -5, 3), count: 800, seed: 3);

        var first = PlattScaling.Fit(answers);
        var second = PlattScaling.Fit(answers);
        var shuffled = PlattScaling.Fit(answers.OrderBy(_ => Random.Shared.Next()).ToList());

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
        var answers = Enumerable.Range(0, 50).Select(i => (i / 50.0, 0.0, Right: i >= 46)).ToList();

        var error = Assert.Throws<ArgumentException>(() => PlattScaling.Fit(answers));

        Assert.Contains("got 4 right, 46 wrong", error.Message);
    }

    /// <summary>Scores uniform on [0, 1] and gaps on [-0.5, 0], each labelled right with the model's probability.</summary>
    private static List<(double Score, double Gap, bool Right)> Draw(PlattScaling model, int count, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(_ =>
        {
            var (score, gap) = (random.NextDouble(), -0.5 * random.NextDouble());
            return (score, gap, random.NextDouble() < model.Probability(score, gap));
        }).ToList();
    }
}
