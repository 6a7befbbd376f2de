using System.Collections.Concurrent;
using System.Threading.Channels;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using PatternSync.Core.Embeddings;
using PatternSync.Core.Matching;
using PatternSync.Core.Observability;
using PatternSync.Core.Persistence;

namespace PatternSync.PatternApi.Matching;

/// <summary>
/// Keeps what a match answered without making it wait: <see cref="Record"/> queues the record (bounded; a full queue drops it)
/// for <see cref="MatchRecordWriter"/>, and <see cref="FindAsync"/> sees a record from the moment it is queued.
/// A record that is never written only means its outcomes count pattern-wide.
/// </summary>
public sealed class MatchRecorder(IOptions<MatchingOptions> options, EmbeddingModel model, TimeProvider clock)
{
    private readonly Channel<MatchRecord> _queue = Channel.CreateBounded<MatchRecord>(
        new BoundedChannelOptions(options.Value.RecordQueueCapacity) { SingleReader = true });

    // Queued and not yet written (or dropped): the table does not have them yet.
    private readonly ConcurrentDictionary<Guid, MatchRecord> _pending = new();

    public void Record(MatchRequest request, ReadOnlyMemory<float> queryEmbedding, MatchResponse response)
    {
        var record = new MatchRecord
        {
            MatchId = response.MatchId, CreatedAt = clock.GetUtcNowForPostgres(), EmbeddingModel = model.Key,
            QueryEmbedding = queryEmbedding.ToArray(), Filters = request.FiltersJson, Ranking = RankingOf(request),
            PatternIds = [.. response.MatchedPatterns.Select(m => m.PatternId)],
            Similarities = [.. response.MatchedPatterns.Select(m => (float)(m.ScoreDetails.Similarity ?? double.NaN))],
            RankScores = [.. response.MatchedPatterns.Select(m => (float)m.ScoreDetails.RankScore)],
        };
        // Pending before queued: the writer may write it and forget it before TryWrite returns.
        _pending[record.MatchId] = record;
        if (_queue.Writer.TryWrite(record)) return;
        _pending.TryRemove(record.MatchId, out _);
        PatternMetrics.MatchRecordsDropped.WithLabels("queue_full").Inc();
    }

    /// <summary>The record of a match, queued or written; null when it expired, was lost or never existed.</summary>
    public async Task<MatchRecord?> FindAsync(PatternDbContext db, Guid matchId, CancellationToken cancellationToken) =>
        _pending.TryGetValue(matchId, out var pending) ? pending
        : await db.MatchRecords.AsNoTracking().SingleOrDefaultAsync(r => r.MatchId == matchId, cancellationToken);

    /// <summary>The queue <see cref="MatchRecordWriter"/> drains.</summary>
    internal ChannelReader<MatchRecord> Queue => _queue.Reader;

    /// <summary>The batch is in the table (<paramref name="reason"/> null) or given up on; either way no longer pending.</summary>
    internal void Done(IReadOnlyList<MatchRecord> batch, string? reason)
    {
        foreach (var record in batch) _pending.TryRemove(record.MatchId, out _);
        if (reason is not null) PatternMetrics.MatchRecordsDropped.WithLabels(reason).Inc(batch.Count);
    }

    private static string RankingOf(MatchRequest request) => request.Ranking switch
    {
        MatchRanking.Similarity => "similarity",
        _ when request.Explore => "learned+explore",
        _ => "learned",
    };
}
