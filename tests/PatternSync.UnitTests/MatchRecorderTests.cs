using Microsoft.Extensions.Options;
using PatternSync.Core.Embeddings;
using PatternSync.Core.Filters;
using PatternSync.Core.Observability;
using PatternSync.PatternApi.Matching;

namespace PatternSync.UnitTests;

/// <summary>Recording never makes a match wait: a full queue drops the record and counts it.</summary>
public sealed class MatchRecorderTests
{
    [Fact]
    public void A_record_that_finds_the_queue_full_is_dropped_and_counted()
    {
        var recorder = new MatchRecorder(Options.Create(new MatchingOptions { RecordQueueCapacity = 1 }),
            new EmbeddingModel("test-model", 2), TimeProvider.System);
        var dropped = PatternMetrics.MatchRecordsDropped.WithLabels("queue_full");
        var before = dropped.Value;

        var first = Record(recorder);
        Assert.Equal(before, dropped.Value);
        Record(recorder);
        Record(recorder);

        Assert.Equal(before + 2, dropped.Value);
        Assert.True(recorder.Queue.TryRead(out var queued));
        Assert.Equal((first, "test-model/2", "learned+explore"), (queued.MatchId, queued.EmbeddingModel, queued.Ranking));
        Assert.False(recorder.Queue.TryRead(out _));
    }

    private static Guid Record(MatchRecorder recorder)
    {
        var response = new MatchResponse([], 0, new QueryMetadata(1, "test-model"), Guid.CreateVersion7());
        recorder.Record(new MatchRequest("intent", null, [], PatternFilter.None, 10, 0.3f, Explore: true), new float[] { 1, 0 }, response);
        return response.MatchId;
    }
}
