using PatternSync.PatternApi.Retrieval;

namespace PatternSync.UnitTests;

public sealed class ScoreFusionTests
{
    [Fact]
    public void Each_score_is_a_share_of_its_lists_best()
    {
        Assert.Equal([1.0, 0.25], ScoreFusion.Normalised([8.0, 2.0]));
    }

    [Fact]
    public void A_lone_hit_counts_fully_and_an_empty_list_gives_nothing()
    {
        Assert.Equal([1.0], ScoreFusion.Normalised([3.7]));
        Assert.Empty(ScoreFusion.Normalised([]));
    }
}
