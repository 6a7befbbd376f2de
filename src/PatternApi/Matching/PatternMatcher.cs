using System.Diagnostics;
using System.Text.Json.Nodes;
using PatternSync.Core.Embeddings;
using PatternSync.Core.Observability;
using PatternSync.PatternApi.Ranking;
using PatternSync.PatternApi.Retrieval;
using Prometheus;

namespace PatternSync.PatternApi.Matching;

/// <summary>
/// Finds the patterns that will work for an intent: embed it, let <see cref="PatternRetriever"/> find the candidates that
/// fit it, and let <see cref="MatchRanker"/> order them by fit × works.
/// </summary>
public sealed class PatternMatcher(
    QueryEmbeddingCache embeddings, PatternRetriever retriever, EmbeddingModel model, MatchRanker ranker, MatchRecorder recorder)
{
    public async Task<MatchResponse> MatchAsync(MatchRequest request, CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        using var latency = PatternMetrics.MatchLatency.NewTimer();
        // Embedded whatever the retrieval: the learned ranking weighs outcomes by how close their queries were.
        var embedding = embeddings.EmbedAsync(request.EmbeddingText(), cancellationToken);
        var candidates = await retriever.FindAsync(request, embedding, ranker.CandidateCount(request), cancellationToken);
        var vector = await embedding;

        IReadOnlyList<RankedPattern> ranked;
        using (PatternMetrics.RankingDuration.NewTimer())
            ranked = await ranker.RankAsync(candidates, request, vector, cancellationToken);
        var matched = ranked.Take(request.Limit).Select(Matched).ToList();
        var response = new MatchResponse(
            matched, matched.Count, new QueryMetadata(watch.ElapsedMilliseconds, model.Name), Guid.CreateVersion7());
        recorder.Record(request, vector, response);
        return response;
    }

    private static MatchedPattern Matched(RankedPattern ranked)
    {
        var row = ranked.Row;
        PatternMetrics.PatternMatches.WithLabels(PatternMetrics.MatchedPatternTypes.Of(row.PatternType), row.Status).Inc();
        return new MatchedPattern(row.PatternId, row.PatternType, row.Name, row.Description, ranked.Confidence,
            new MatchedPatternMetadata(row.Version, JsonNode.Parse(row.QualityMetrics), row.SuccessRate, row.MatchCount),
            Recommendations.From(row.ExecutionTrace, row.SuccessCriteria), ranked.Details);
    }
}
