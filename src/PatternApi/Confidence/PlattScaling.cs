namespace PatternSync.PatternApi.Confidence;

/// <summary>
/// Platt scaling: the confidence of a retrieval score is <c>1 / (1 + exp(-(A·score + B)))</c>, strictly increasing since A &gt; 0.
/// </summary>
public sealed record PlattScaling(double A, double B) : IConfidenceMap
{
    /// <summary>Fewer answers of either label than this leave the fit to chance.</summary>
    public const int MinimumPerLabel = 5;

    private const int MaxIterations = 100;
    private const double MinStep = 1e-10;
    private const double HessianRidge = 1e-12;
    private const double GradientTolerance = 1e-5;

    public double Probability(double score) => Sigmoid(A * score + B);

    /// <returns>-∞ at 0 and +∞ at 1.</returns>
    public double ScoreAt(double probability)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(probability, 0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(probability, 1);
        return (Math.Log(probability / (1 - probability)) - B) / A;
    }

    /// <summary>
    /// Fits A and B by maximum likelihood on smoothed targets, (N₊+1)/(N₊+2) for right answers and 1/(N₋+2) for wrong ones,
    /// with Newton's method and backtracking (Lin, Lin &amp; Weng 2007). The pairs are sorted first, so their order never changes
    /// the fit's last bit.
    /// </summary>
    /// <exception cref="ArgumentException">
    /// Too few answers of a label, a score that is not finite, or a fit that falls with the score.
    /// </exception>
    public static PlattScaling Fit(IReadOnlyList<(double Score, bool Right)> pairs)
    {
        if (pairs.Any(p => !double.IsFinite(p.Score))) throw new ArgumentException("Every score must be a finite number.", nameof(pairs));
        var rights = pairs.Count(p => p.Right);
        var wrongs = pairs.Count - rights;
        if (rights < MinimumPerLabel || wrongs < MinimumPerLabel)
            throw new ArgumentException(
                $"A fit needs at least {MinimumPerLabel} right and {MinimumPerLabel} wrong answers; got {rights} right, {wrongs} wrong.",
                nameof(pairs));

        var sorted = pairs.OrderBy(p => p.Score).ThenBy(p => p.Right).ToArray();
        var scores = sorted.Select(p => p.Score).ToArray();
        var (high, low) = ((rights + 1.0) / (rights + 2.0), 1.0 / (wrongs + 2.0));
        var targets = sorted.Select(p => p.Right ? high : low).ToArray();

        var (a, b) = (0.0, Math.Log((rights + 1.0) / (wrongs + 1.0)));
        var loss = Loss(scores, targets, a, b);
        for (var iteration = 0; iteration < MaxIterations; iteration++)
        {
            var (g1, g2, h11, h22, h21) = (0.0, 0.0, HessianRidge, HessianRidge, 0.0);
            for (var i = 0; i < scores.Length; i++)
            {
                var p = Sigmoid(a * scores[i] + b);
                var (d1, d2) = (p - targets[i], p * (1 - p));
                (g1, g2) = (g1 + scores[i] * d1, g2 + d1);
                (h11, h22, h21) = (h11 + scores[i] * scores[i] * d2, h22 + d2, h21 + scores[i] * d2);
            }
            if (Math.Abs(g1) < GradientTolerance && Math.Abs(g2) < GradientTolerance) break;

            var det = h11 * h22 - h21 * h21;
            var (da, db) = (-(h22 * g1 - h21 * g2) / det, -(-h21 * g1 + h11 * g2) / det);
            var descent = g1 * da + g2 * db;
            var step = 1.0;
            while (step >= MinStep)
            {
                var (na, nb) = (a + step * da, b + step * db);
                var next = Loss(scores, targets, na, nb);
                if (next < loss + 1e-4 * step * descent)
                {
                    (a, b, loss) = (na, nb, next);
                    break;
                }
                step /= 2;
            }
            if (step < MinStep) break; // no step decreases the loss: the fit is as good as it gets
        }

        if (!(a > 0))
            throw new ArgumentException(
                $"The fitted confidence does not rise with the score (A = {a:G6}): right answers do not score higher than wrong ones.",
                nameof(pairs));
        return new PlattScaling(a, b);
    }

    /// <summary>The logistic function, written per sign so exp never overflows.</summary>
    private static double Sigmoid(double z) => z >= 0 ? 1 / (1 + Math.Exp(-z)) : Math.Exp(z) / (1 + Math.Exp(z));

    /// <summary>The cross-entropy of the targets under (a, b), summed stably on either sign of a·score + b.</summary>
    private static double Loss(double[] scores, double[] targets, double a, double b)
    {
        var loss = 0.0;
        for (var i = 0; i < scores.Length; i++)
        {
            var z = a * scores[i] + b;
            loss += z >= 0 ? (1 - targets[i]) * z + Math.Log(1 + Math.Exp(-z)) : -targets[i] * z + Math.Log(1 + Math.Exp(z));
        }
        return loss;
    }
}
