namespace PatternSync.PatternApi.Confidence;

/// <summary>A strictly increasing map from a retrieval score to the confidence that the pattern fits the intent.</summary>
public interface IConfidenceMap
{
    /// <summary>The confidence in [0, 1] of an answer with this retrieval score.</summary>
    double Probability(double score);

    /// <summary>The lowest score whose confidence reaches <paramref name="probability"/> (so a search can prune below it).</summary>
    double ScoreAt(double probability);
}
