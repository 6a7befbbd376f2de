using PatternSync.PatternApi.Retrieval;

namespace PatternSync.UnitTests;

public sealed class ScoreFusionTests
{
    [Fact]
    public void Each_score_is_placed_within_three_deviations_of_its_lists_mean()
    {
        var normalised = ScoreFusion.Normalised([3.0, 1.0]); // mean 2, sd 1: the range is -1 to 5

        Assert.Equal([4.0 / 6, 2.0 / 6], normalised);
    }

    [Fact]
    public void A_list_of_equal_scores_sits_in_the_middle_and_an_empty_one_gives_nothing()
    {
        Assert.Equal([0.5, 0.5], ScoreFusion.Normalised([0.7, 0.7]));
        Assert.Empty(ScoreFusion.Normalised([]));
    }
}
