using System.Text.Json.Nodes;
using PatternSync.Core.Patterns;

namespace PatternSync.UnitTests;

public sealed class QualityScoreTests
{
    [Fact]
    public void The_seed_example_scores_the_mean_of_its_ratios() =>
        Assert.Equal(0.97, QualityScore.From(Metrics("""{"accuracy": 0.95, "latency_p99_ms": 45, "reliability": 0.99}""")), 6);

    [Fact]
    public void Metrics_in_other_units_do_not_score() =>
        Assert.Equal(0.0, QualityScore.From(Metrics("""{"latency_p99_ms": 45, "throughput_rps": 1200}""")));

    [Fact]
    public void No_metrics_score_zero() => Assert.Equal(0.0, QualityScore.From(null));

    [Fact]
    public void Every_known_ratio_counts() =>
        Assert.Equal(0.5, QualityScore.From(Metrics("""
            {"accuracy": 0.2, "reliability": 0.8, "availability": 0.5, "precision": 0.5, "recall": 0.5, "coverage": 0.5,
             "consistency": 0.5}
            """)), 6);

    [Fact]
    public void A_ratio_that_is_not_a_number_in_range_is_ignored() =>
        Assert.Equal(0.9, QualityScore.From(Metrics("""{"accuracy": "high", "reliability": 0.9, "recall": 7}""")), 6);

    private static JsonObject Metrics(string json) => JsonNode.Parse(json)!.AsObject();
}
