namespace PatternSync.Core.Matching;

/// <summary>One bin of a reliability table: confidences in [Lower, Upper), the last bin closed at 1.</summary>
public sealed record ReliabilityBin(double Lower, double Upper, int Count, double MeanConfidence, double Accuracy);

/// <summary>
/// How well confidences match the rate of right answers: the reliability table over equal-width bins and the expected
/// calibration error, the count-weighted mean of |accuracy − mean confidence| over the bins.
/// </summary>
public sealed record CalibrationQuality(int Answers, double ExpectedCalibrationError, IReadOnlyList<ReliabilityBin> Bins)
{
    public const int BinCount = 10;

    /// <summary>Empty bins are listed with zero count (NaN means), and weigh nothing.</summary>
    public static CalibrationQuality Of(IReadOnlyCollection<(double Confidence, bool Right)> answers)
    {
        if (answers.Any(a => a.Confidence is < 0 or > 1 || double.IsNaN(a.Confidence)))
            throw new ArgumentException("Every confidence must be in [0, 1].", nameof(answers));
        var byBin = answers.ToLookup(a => Math.Min((int)(a.Confidence * BinCount), BinCount - 1));
        var bins = Enumerable.Range(0, BinCount).Select(i =>
        {
            var inBin = byBin[i].ToList();
            return new ReliabilityBin((double)i / BinCount, (i + 1.0) / BinCount, inBin.Count,
                inBin.Count == 0 ? double.NaN : inBin.Average(a => a.Confidence),
                inBin.Count == 0 ? double.NaN : inBin.Count(a => a.Right) / (double)inBin.Count);
        }).ToList();
        var error = bins.Where(b => b.Count > 0).Sum(b => b.Count * Math.Abs(b.Accuracy - b.MeanConfidence)) / Math.Max(answers.Count, 1);
        return new CalibrationQuality(answers.Count, error, bins);
    }
}
