using System.Numerics.Tensors;
using Microsoft.Extensions.Options;

namespace PatternSync.PatternApi.Ranking;

/// <summary>The Beta posterior that a pattern works for one query; <see cref="OutcomesConsidered"/> is the evidence's weight.</summary>
public readonly record struct SuccessEstimate(double Alpha, double Beta, double OutcomesConsidered)
{
    public double Mean => Alpha / (Alpha + Beta);
}

/// <summary>
/// "Works": a pattern's chance of success for this query, from its outcomes. Each outcome weighs
/// <c>d = 0.5^(age / HalfLife)</c>. The pattern's overall rate <c>r</c> is the Beta prior (mean <c>m</c>, strength
/// <c>PriorStrength</c>) updated by every outcome. The estimate for this query starts from <c>r</c> with strength
/// <c>ShrinkStrength</c> and adds each outcome whose match's query is known with weight <c>d · exp(-(1 - cos) / ContextBandwidth)</c>,
/// and each outcome of unknown query with weight <c>d</c> (it may have been any query). docs/learning.md shows a worked example.
/// </summary>
public sealed class SuccessEstimator(IOptions<RankingOptions> options)
{
    private readonly RankingOptions _options = options.Value;

    public SuccessEstimate Estimate(
        double priorMean, IReadOnlyList<OutcomeEvidence> outcomes, ReadOnlySpan<float> query, DateTimeOffset now)
    {
        var queryNorm = Norm(query);
        double overall = 0, overallSuccesses = 0, here = 0, hereSuccesses = 0;
        foreach (var outcome in outcomes)
        {
            var decay = Decay(now - outcome.RecordedAt);
            var weight = outcome.QueryEmbedding is { } embedding && embedding.Length == query.Length
                ? decay * Kernel(Cosine(query, queryNorm, embedding))
                : decay;
            overall += decay;
            here += weight;
            if (!outcome.Success) continue;
            overallSuccesses += decay;
            hereSuccesses += weight;
        }
        var rate = (priorMean * _options.PriorStrength + overallSuccesses) / (_options.PriorStrength + overall);
        return new SuccessEstimate(
            rate * _options.ShrinkStrength + hereSuccesses, (1 - rate) * _options.ShrinkStrength + here - hereSuccesses, here);
    }

    private double Decay(TimeSpan age) => Math.Pow(0.5, Math.Max(0, age / _options.HalfLife));

    private double Kernel(double cosine) => Math.Exp(-(1 - Math.Clamp(cosine, -1, 1)) / _options.ContextBandwidth);

    private static double Cosine(ReadOnlySpan<float> query, double queryNorm, ReadOnlySpan<float> other)
    {
        var norms = queryNorm * Norm(other);
        return norms == 0 ? 0 : TensorPrimitives.Dot(query, other) / norms;
    }

    private static double Norm(ReadOnlySpan<float> vector) => TensorPrimitives.Norm(vector);
}
