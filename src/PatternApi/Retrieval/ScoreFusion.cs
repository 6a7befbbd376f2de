namespace PatternSync.PatternApi.Retrieval;

/// <summary>
/// The lexical part of a hybrid score: each BM25 score divided by the best of its list, so the top lexical hit counts 1
/// however many patterns share its words (a lone exact match of a rare identifier included) and BM25's query-dependent
/// scale drops out. Chosen over Qdrant's DBSF normalisation, which gives a lone hit 0.5, on the tune split (docs/retrieval.md).
/// </summary>
public static class ScoreFusion
{
    public static IReadOnlyList<double> Normalised(IReadOnlyList<double> scores)
    {
        if (scores.Count == 0) return [];
        var best = scores.Max();
        return scores.Select(s => best > 0 ? s / best : 0).ToList();
    }
}
