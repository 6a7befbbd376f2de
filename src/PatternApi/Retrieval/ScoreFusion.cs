namespace PatternSync.PatternApi.Retrieval;

/// <summary>
/// Distribution-based score fusion (Qdrant's DBSF): each list's scores are mapped by (s - (mean - 3 sd)) / (6 sd), so a
/// score far above its list's others counts for more than a first rank does in rank fusion, and the two are summed
/// (a pattern in one list gets that part only). Chosen over RRF on the tune split of the labelled queries (docs/retrieval.md).
/// </summary>
public static class ScoreFusion
{
    /// <summary>Each score of a list, normalised against the list's own distribution (0.5 for a list of equal scores).</summary>
    public static IReadOnlyList<double> Normalised(IReadOnlyList<double> scores)
    {
        if (scores.Count == 0) return [];
        var mean = scores.Average();
        var sd = Math.Sqrt(scores.Average(s => (s - mean) * (s - mean)));
        return scores.Select(s => sd > 0 ? (s - (mean - 3 * sd)) / (6 * sd) : 0.5).ToList();
    }
}
