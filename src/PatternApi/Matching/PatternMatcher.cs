using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using PatternSync.Core.Embeddings;
using PatternSync.Core.Filters;
using PatternSync.Core.Observability;
using PatternSync.Core.Persistence;
using PatternSync.Core.VectorIndex;
using Prometheus;

namespace PatternSync.PatternApi.Matching;

/// <summary>
/// Finds the patterns that worked for an intent: embed it, search the index, read the rows in one query in the index's
/// order. A hit whose row is gone, whose text changed or that no longer passes the filters is dropped and counted as drift.
/// </summary>
public sealed class PatternMatcher(QueryEmbeddingCache embeddings, IPatternVectorIndex index, PatternDbContext db, EmbeddingModel model,
    MatchRecorder recorder)
{
    public async Task<MatchResponse> MatchAsync(MatchRequest request, CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        using var latency = PatternMetrics.MatchLatency.NewTimer();
        var vector = await embeddings.EmbedAsync(request.EmbeddingText(), cancellationToken);

        IReadOnlyList<VectorMatch> hits;
        using (PatternMetrics.VectorSearchDuration.NewTimer())
            hits = await index.SearchAsync(vector, request.Filters, request.Limit, request.MinConfidence, cancellationToken);

        var ids = hits.Select(h => h.PatternId).ToList();
        Dictionary<Guid, Core.Patterns.SuccessPattern> rows;
        using (PatternMetrics.PostgresLookupDuration.NewTimer())
            rows = await db.Patterns.AsNoTracking()
                .Where(p => ids.Contains(p.PatternId))
                .ToDictionaryAsync(p => p.PatternId, cancellationToken);

        var matched = new List<MatchedPattern>(hits.Count);
        foreach (var hit in hits)
        {
            var drift = !rows.TryGetValue(hit.PatternId, out var row) ? "row_gone"
                : row.ContentHash != hit.ContentHash ? "stale_text"
                : !request.Filters.Matches(PatternPayload.From(row)) ? "filtered"
                : null;
            if (drift is not null)
            {
                PatternMetrics.MatchDrift.WithLabels(drift).Inc();
                continue;
            }
            PatternMetrics.PatternMatches.WithLabels(PatternMetrics.MatchedPatternTypes.Of(row!.PatternType), row.Status).Inc();
            matched.Add(new MatchedPattern(row.PatternId, row.PatternType, row.Name, row.Description, Math.Round(hit.Score, 4),
                new MatchedPatternMetadata(row.Version, System.Text.Json.Nodes.JsonNode.Parse(row.QualityMetrics),
                    row.SuccessRate, row.MatchCount),
                Recommendations.From(row.ExecutionTrace, row.SuccessCriteria),
                new ScoreDetails(Math.Round(hit.Score, 4), 0.5, 0, Math.Round(hit.Score * 0.5, 4))));
        }
        var response = new MatchResponse(matched, matched.Count, new QueryMetadata(watch.ElapsedMilliseconds, model.Name),
            Guid.CreateVersion7());
        recorder.Record(request, vector, response);
        return response;
    }
}
