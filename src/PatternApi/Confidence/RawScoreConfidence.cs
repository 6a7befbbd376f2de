namespace PatternSync.PatternApi.Confidence;

/// <summary>The fallback for a model with no fit: the raw score clamped to [0, 1], the seed's confidence.</summary>
public sealed class RawScoreConfidence : IConfidenceMap
{
    public static readonly RawScoreConfidence Instance = new();

    private RawScoreConfidence() { }

    public double Probability(double score) => Math.Clamp(score, 0, 1);

    public double ScoreAt(double probability) => probability > 0 ? probability : double.NegativeInfinity;
}
