using PatternSync.PatternApi.Matching;

namespace PatternSync.PatternApi.Confidence;

/// <summary>PLACEHOLDER until the calibration lands: one fixed curve for every retrieval.</summary>
public sealed class ConfidenceCalibration
{
    private static readonly PlattScaling Placeholder = new(10, -5);

    public PlattScaling For(MatchRetrieval retrieval) => Placeholder;
}

public sealed record PlattScaling(double A, double B)
{
    public double Probability(double score) => 1 / (1 + Math.Exp(-(A * score + B)));
}
