using PatternSync.Core.Patterns;

namespace PatternSync.UnitTests;

public sealed class SuccessPatternTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 3, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Outcomes_count_the_use_and_recompute_the_success_rate()
    {
        var pattern = Pattern();

        pattern.RecordOutcome(new OutcomeReport(Success: true), caller: null, Now.AddMinutes(-1));
        pattern.RecordOutcome(new OutcomeReport(Success: true), caller: null, Now.AddMinutes(-1));
        pattern.RecordOutcome(new OutcomeReport(Success: false), caller: null, Now);

        Assert.Equal((3, 2, 1, 0.666667), (pattern.MatchCount, pattern.SuccessCount, pattern.FailureCount, pattern.SuccessRate));
        Assert.Equal(Now, pattern.LastMatchedAt);
    }

    [Fact]
    public void Derived_fields_follow_the_quality_metrics_and_the_embedded_text()
    {
        var pattern = Pattern();
        pattern.RefreshDerivedFields();
        var before = pattern.ContentHash;

        pattern.QualityMetrics = """{"accuracy": 0.8, "latency_p99_ms": 45, "recall": 0.6}""";
        pattern.RefreshDerivedFields();
        Assert.Equal((0.7, before), (pattern.QualityScore, pattern.ContentHash));

        pattern.ExecutionTrace = """{"steps": ["Warm the cache"]}""";
        pattern.RefreshDerivedFields();
        Assert.NotEqual(before, pattern.ContentHash);
        Assert.Equal(PatternEmbeddingText.Hash(PatternEmbeddingText.Compose(pattern)), pattern.ContentHash);
    }

    [Fact]
    public void A_change_advances_the_version_and_the_update_time()
    {
        var pattern = Pattern();

        pattern.MarkChanged(Now);

        Assert.Equal((2, Now), (pattern.Version, pattern.UpdatedAt));
    }

    private static SuccessPattern Pattern() => new()
    {
        PatternId = Guid.CreateVersion7(), PatternType = "caching", Name = "Read-through cache", Description = "Cache reads.",
        ContextHash = new string('0', 64), ExecutionTrace = "{}", SuccessCriteria = "{}", QualityMetrics = "{}", PerformanceData = "{}",
        Tags = ["redis"], Status = PatternStatus.Active, ContentHash = "", Version = 1, CreatedAt = Now, UpdatedAt = Now,
    };
}
