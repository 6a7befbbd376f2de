using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using PatternSync.Core.Filters;
using PatternSync.Core.LexicalIndex;
using PatternSync.Core.Observability;
using PatternSync.Core.Patterns;
using PatternSync.Core.Persistence;
using PatternSync.Core.VectorIndex;
using PatternSync.PatternApi.Confidence;
using PatternSync.PatternApi.Matching;
using Prometheus;

namespace PatternSync.PatternApi.Retrieval;

/// <summary>
/// Finds a match's candidates: the vector index's nearest by cosine and the lexical index's best by BM25, fused or alone
/// as the request's <c>retrieval</c> says; reads their rows in one query; and gives each
/// its calibrated confidence, which <c>min_confidence</c> thresholds. A hit whose row is gone, whose text changed or that
/// no longer passes the filters is dropped and counted as drift.
/// </summary>
public sealed class PatternRetriever(
    IPatternVectorIndex index, PatternLexicalIndex lexical, PatternDbContext db, ConfidenceCalibration calibration,
    IOptions<RetrievalOptions> options)
{
    /// <param name="vector">The query's embedding, still being computed: the lexical search needs none and runs meanwhile.</param>
    /// <param name="count">How many candidates the ranking needs, best first.</param>
    public async Task<List<RetrievedPattern>> FindAsync(
        MatchRequest request, Task<ReadOnlyMemory<float>> vector, int count, CancellationToken cancellationToken)
    {
        var depth = request.Retrieval == MatchRetrieval.Dense ? count : Math.Max(count, options.Value.ListDepth);
        var lexicalSearch = request.Retrieval == MatchRetrieval.Dense
            ? Task.FromResult<IReadOnlyList<LexicalMatch>>([])
            : LexicalAsync(request, depth, cancellationToken);
        var dense = request.Retrieval == MatchRetrieval.Lexical ? [] : await DenseAsync(request, await vector, depth, cancellationToken);
        var words = await lexicalSearch;
        var hits = Fuse(dense, words, request.Retrieval, options.Value.LexicalWeight).Take(count).ToList();
        var found = await WithRowsAsync(hits, request.Filters, cancellationToken);

        var fit = calibration.For(request.Retrieval);
        var best = found.Count > 0 ? found.Max(f => f.Hit.Score) : 0;
        return found.Select(f => new RetrievedPattern(
                f.Row, f.Hit.Similarity, f.Hit.Lexical, f.Hit.Score, fit.Probability(f.Hit.Score, f.Hit.Score - best)))
            .Where(c => c.Confidence >= request.MinConfidence)
            .ToList();
    }

    /// <summary>The hits with their rows, read in one query, in the hits' order; drift is dropped and counted.</summary>
    private async Task<List<(SuccessPattern Row, Hit Hit)>> WithRowsAsync(
        List<Hit> hits, PatternFilter filter, CancellationToken cancellationToken)
    {
        var ids = hits.Select(h => h.PatternId).ToList();
        Dictionary<Guid, SuccessPattern> rows;
        using (PatternMetrics.PostgresLookupDuration.NewTimer())
            rows = await db.Patterns.AsNoTracking().Where(p => ids.Contains(p.PatternId))
                .ToDictionaryAsync(p => p.PatternId, cancellationToken);

        var found = new List<(SuccessPattern Row, Hit Hit)>(hits.Count);
        foreach (var hit in hits)
        {
            var drift = !rows.TryGetValue(hit.PatternId, out var row) ? "row_gone"
                : hit.ContentHashes.Any(hash => hash != row.ContentHash) ? "stale_text"
                : !filter.Matches(PatternPayload.From(row)) ? "filtered"
                : null;
            if (drift is null) found.Add((row!, hit));
            else PatternMetrics.MatchDrift.WithLabels(drift).Inc();
        }
        return found;
    }

    private async Task<IReadOnlyList<VectorMatch>> DenseAsync(
        MatchRequest request, ReadOnlyMemory<float> vector, int depth, CancellationToken cancellationToken)
    {
        // No cosine threshold: min_confidence applies to the calibrated confidence, which rises with the cosine.
        using (PatternMetrics.VectorSearchDuration.NewTimer())
            return await index.SearchAsync(vector, request.Filters, depth, scoreThreshold: -1, cancellationToken);
    }

    private async Task<IReadOnlyList<LexicalMatch>> LexicalAsync(MatchRequest request, int depth, CancellationToken cancellationToken)
    {
        using (PatternMetrics.LexicalSearchDuration.NewTimer())
            return await lexical.SearchAsync(request.EmbeddingText(), request.Filters, depth, cancellationToken);
    }

    /// <summary>
    /// The retrieval score of each hit: the cosine under dense; the BM25 score as a share of the list's best
    /// (<see cref="ScoreFusion"/>) under lexical; under hybrid the cosine plus the lexical weight times that share, so the
    /// patterns that name the query's rare words rise whatever their cosine. A hit only the lexical list holds
    /// counts the dense list's lowest cosine, the most its own can be; one only the dense list holds counts no lexical part.
    /// Ties keep the dense order, then the lexical one.
    /// </summary>
    private static IEnumerable<Hit> Fuse(
        IReadOnlyList<VectorMatch> dense, IReadOnlyList<LexicalMatch> words, MatchRetrieval retrieval, double lexicalWeight)
    {
        var hits = new Dictionary<Guid, Hit>();
        for (var i = 0; i < dense.Count; i++)
            hits[dense[i].PatternId] = new Hit(dense[i].PatternId, dense[i].Score, dense[i].Score, null, i, [dense[i].ContentHash]);
        var lexicalParts = ScoreFusion.Normalised(words.Select(w => (double)w.Score).ToList());
        var weight = retrieval == MatchRetrieval.Lexical ? 1 : lexicalWeight;
        var lowestCosine = dense.Count > 0 ? dense[^1].Score : 0;
        for (var i = 0; i < words.Count; i++)
        {
            var lexical = new LexicalScore(words[i].Score, words[i].Rank);
            var part = weight * lexicalParts[i];
            var hash = words[i].ContentHash;
            hits[words[i].PatternId] = hits.TryGetValue(words[i].PatternId, out var both)
                ? both with { Score = both.Score + part, Lexical = lexical, ContentHashes = [.. both.ContentHashes, hash] }
                : new Hit(words[i].PatternId, lowestCosine + part, null, lexical, int.MaxValue, [hash]);
        }
        return hits.Values.OrderByDescending(h => h.Score).ThenBy(h => h.DenseRank).ThenBy(h => h.Lexical?.Rank);
    }

    private sealed record Hit(
        Guid PatternId, double Score, double? Similarity, LexicalScore? Lexical, int DenseRank, IReadOnlyList<string?> ContentHashes);
}
