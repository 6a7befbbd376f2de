using MathNet.Numerics.LinearAlgebra;

namespace PatternSync.PatternApi.Confidence;

/// <summary>
/// Platt scaling on two signals: the confidence of an answer is <c>1 / (1 + exp(-(A·score + C·gap + B)))</c>, where gap is
/// how far the answer's retrieval score falls below the best answer's of the same match (0 for the best). A &gt; 0 and
/// C ≥ 0, so within a match the confidence rises strictly with the score and the order is retrieval's; the gap lets the
/// best answer of a match be trusted more than another answer of the same score.
/// </summary>
public sealed record PlattScaling(double A, double B, double C = 0) : IConfidenceMap
{
    /// <summary>Fewer answers of either label than this leave the fit to chance.</summary>
    public const int MinimumPerLabel = 5;

    private const int MaxIterations = 100;
    private const double MinStep = 1e-10;
    private const double HessianRidge = 1e-9;
    private const double GradientTolerance = 1e-5;

    public double Probability(double score, double gap) => Sigmoid(A * score + C * gap + B);

    /// <summary>
    /// Fits A, C and B by maximum likelihood on smoothed targets, (N₊+1)/(N₊+2) for right answers and 1/(N₋+2) for wrong ones,
    /// with Newton's method and backtracking (Lin, Lin &amp; Weng 2007). When the gap would count against the best answers
    /// (C &lt; 0), C is held at 0. The answers are sorted first, so their order never changes the fit's last bit.
    /// </summary>
    /// <exception cref="ArgumentException">
    /// Too few answers of a label, a signal that is not finite, or a fit that falls with the score.
    /// </exception>
    public static PlattScaling Fit(IReadOnlyList<(double Score, double Gap, bool Right)> answers)
    {
        if (answers.Any(p => !double.IsFinite(p.Score) || !double.IsFinite(p.Gap)))
            throw new ArgumentException("Every score and gap must be a finite number.", nameof(answers));
        var rights = answers.Count(p => p.Right);
        var wrongs = answers.Count - rights;
        if (rights < MinimumPerLabel || wrongs < MinimumPerLabel)
            throw new ArgumentException(
                $"A fit needs at least {MinimumPerLabel} right and {MinimumPerLabel} wrong answers; got {rights} right, {wrongs} wrong.",
                nameof(answers));

        var sorted = answers.OrderBy(p => p.Score).ThenBy(p => p.Gap).ThenBy(p => p.Right).ToArray();
        var (high, low) = ((rights + 1.0) / (rights + 2.0), 1.0 / (wrongs + 2.0));
        var targets = sorted.Select(p => p.Right ? high : low).ToArray();
        var prior = Math.Log((rights + 1.0) / (wrongs + 1.0));

        var fit = Newton(sorted.Select(p => new[] { p.Score, p.Gap, 1.0 }).ToArray(), targets, [0, 0, prior]);
        if (fit[1] < 0) fit = Newton(sorted.Select(p => new[] { p.Score, 0, 1.0 }).ToArray(), targets, [0, 0, prior]);
        var (a, c, b) = (fit[0], fit[1], fit[2]);
        if (!(a > 0))
            throw new ArgumentException(
                $"The fitted confidence does not rise with the score (A = {a:G6}): right answers do not score higher than wrong ones.",
                nameof(answers));
        return new PlattScaling(a, b, c);
    }

    /// <summary>Logistic regression of the targets on the features (the last one the constant), by Newton's method.</summary>
    private static double[] Newton(double[][] features, double[] targets, double[] start)
    {
        var weights = Vector<double>.Build.DenseOfArray(start);
        var rows = features.Select(f => Vector<double>.Build.DenseOfArray(f)).ToArray();
        var loss = Loss(rows, targets, weights);
        for (var iteration = 0; iteration < MaxIterations; iteration++)
        {
            var gradient = Vector<double>.Build.Dense(weights.Count);
            var hessian = Matrix<double>.Build.DenseDiagonal(weights.Count, weights.Count, HessianRidge);
            for (var i = 0; i < rows.Length; i++)
            {
                var p = Sigmoid(rows[i] * weights);
                gradient += rows[i] * (p - targets[i]);
                hessian += rows[i].OuterProduct(rows[i]) * (p * (1 - p));
            }
            if (gradient.AbsoluteMaximum() < GradientTolerance) break;

            var direction = -hessian.Solve(gradient);
            var descent = gradient * direction;
            var step = 1.0;
            for (; step >= MinStep; step /= 2)
            {
                var next = weights + direction * step;
                var nextLoss = Loss(rows, targets, next);
                if (nextLoss < loss + 1e-4 * step * descent)
                {
                    (weights, loss) = (next, nextLoss);
                    break;
                }
            }
            if (step < MinStep) break; // no step decreases the loss: the fit is as good as it gets
        }
        return weights.ToArray();
    }

    /// <summary>The logistic function, written per sign so exp never overflows.</summary>
    private static double Sigmoid(double z) => z >= 0 ? 1 / (1 + Math.Exp(-z)) : Math.Exp(z) / (1 + Math.Exp(z));

    /// <summary>The cross-entropy of the targets, summed stably on either sign of the linear term.</summary>
    private static double Loss(Vector<double>[] rows, double[] targets, Vector<double> weights)
    {
        var loss = 0.0;
        for (var i = 0; i < rows.Length; i++)
        {
            var z = rows[i] * weights;
            loss += z >= 0 ? (1 - targets[i]) * z + Math.Log(1 + Math.Exp(-z)) : -targets[i] * z + Math.Log(1 + Math.Exp(z));
        }
        return loss;
    }
}
