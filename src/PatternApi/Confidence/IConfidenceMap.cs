namespace PatternSync.PatternApi.Confidence;

/// <summary>A map from an answer's retrieval score to the confidence that the pattern fits the intent.</summary>
public interface IConfidenceMap
{
    /// <summary>
    /// The confidence in [0, 1] of an answer with this retrieval score, <paramref name="gap"/> below the best answer's score of
    /// its match; it rises strictly with the score at a fixed best.
    /// </summary>
    double Probability(double score, double gap);
}
