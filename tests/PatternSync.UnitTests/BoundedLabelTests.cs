using PatternSync.Core.Observability;

namespace PatternSync.UnitTests;

/// <summary>A label taken from user data keeps its first values and counts the rest as one.</summary>
public sealed class BoundedLabelTests
{
    [Fact]
    public void The_first_values_are_kept_and_later_ones_become_other()
    {
        var label = new BoundedLabel(3);

        Assert.Equal(["a", "b", "c", BoundedLabel.Other, "a", BoundedLabel.Other, "c"],
            new[] { "a", "b", "c", "d", "a", "e", "c" }.Select(label.Of));
    }

    [Fact]
    public void Concurrent_writers_never_get_more_values_than_the_bound()
    {
        var label = new BoundedLabel(50);
        var seen = new System.Collections.Concurrent.ConcurrentBag<string>();

        Parallel.For(0, 10_000, i => seen.Add(label.Of($"type_{i}")));

        Assert.Equal(51, seen.Distinct().Count());
    }

    [Fact]
    public void The_match_counter_label_is_bounded()
    {
        var values = Enumerable.Range(0, 1000)
            .Select(i => PatternMetrics.MatchedPatternTypes.Of($"bounded_label_test_{i}"))
            .Distinct()
            .ToList();

        Assert.Contains(BoundedLabel.Other, values);
        Assert.True(values.Count <= 101, $"{values.Count} label values");
    }
}
