using System.Diagnostics;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using PatternSync.Core.Embeddings;
using PatternSync.Core.Filters;
using PatternSync.Core.Observability;
using PatternSync.Core.Patterns;
using PatternSync.Core.Persistence;
using PatternSync.Core.VectorIndex;
using PatternSync.PatternApi.Ranking;
using Prometheus;

namespace PatternSync.PatternApi.Matching;

/// <summary>
/// Finds the patterns that will work for an intent: embed it, search the index for candidates, read their rows in one query,
/// and let <see cref="MatchRanker"/> order them by fit × works. A hit whose row is gone, whose text changed or that no longer
/// passes the filters is dropped and counted as drift.
/// </summary>
public sealed class PatternMatcher(
    QueryEmbeddingCache embeddings, IPatternVectorIndex index, PatternDbContext db, EmbeddingModel model, MatchRanker ranker,
    MatchRecorder recorder)
{
    public async Task<MatchResponse> MatchAsync(MatchRequest request, CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        using var latency = PatternMetrics.MatchLatency.NewTimer();
        var vector = await embeddings.EmbedAsync(request.EmbeddingText(), cancellationToken);
        var candidates = await FindCandidatesAsync(request, vector, cancellationToken);

        IReadOnlyList<RankedPattern> ranked;
        using (PatternMetrics.RankingDuration.NewTimer())
            ranked = await ranker.RankAsync(candidates, request, vector, cancellationToken);
        var matched = ranked.Take(request.Limit).Select(Matched).ToList();
        var response = new MatchResponse(
            matched, matched.Count, new QueryMetadata(watch.ElapsedMilliseconds, model.Name), Guid.CreateVersion7());
        recorder.Record(request, vector, response);
        return response;
    }

    private async Task<List<(SuccessPattern Row, VectorMatch Hit)>> FindCandidatesAsync(
        MatchRequest request, ReadOnlyMemory<float> vector, CancellationToken cancellationToken)
    {
        IReadOnlyList<VectorMatch> hits;
        using (PatternMetrics.VectorSearchDuration.NewTimer())
        {
            var count = ranker.CandidateCount(request);
            hits = await index.SearchAsync(vector, request.Filters, count, request.MinConfidence, cancellationToken);
        }

        var ids = hits.Select(h => h.PatternId).ToList();
        Dictionary<Guid, SuccessPattern> rows;
        using (PatternMetrics.PostgresLookupDuration.NewTimer())
            rows = await db.Patterns.AsNoTracking()
                .Where(p => ids.Contains(p.PatternId))
                .ToDictionaryAsync(p => p.PatternId, cancellationToken);

        var candidates = new List<(SuccessPattern, VectorMatch)>(hits.Count);
        foreach (var hit in hits)
        {
            var drift = !rows.TryGetValue(hit.PatternId, out var row) ? "row_gone"
                : row.ContentHash != hit.ContentHash ? "stale_text"
                : !request.Filters.Matches(PatternPayload.From(row)) ? "filtered"
                : null;
            if (drift is null) candidates.Add((row!, hit));
            else PatternMetrics.MatchDrift.WithLabels(drift).Inc();
        }
        return candidates;
    }

    private static MatchedPattern Matched(RankedPattern ranked)
    {
        var row = ranked.Row;
        PatternMetrics.PatternMatches.WithLabels(PatternMetrics.MatchedPatternTypes.Of(row.PatternType), row.Status).Inc();
        return new MatchedPattern(row.PatternId, row.PatternType, row.Name, row.Description, ranked.Details.Similarity,
            new MatchedPatternMetadata(row.Version, JsonNode.Parse(row.QualityMetrics), row.SuccessRate, row.MatchCount),
            Recommendations.From(row.ExecutionTrace, row.SuccessCriteria), ranked.Details);
    }
}
