using PatternSync.Core.Matching;

namespace PatternSync.UnitTests;

/// <summary>The reliability table and expected calibration error on answers whose figures are worked out by hand.</summary>
public sealed class CalibrationQualityTests
{
    [Fact]
    public void Each_bin_holds_its_answers_mean_confidence_and_accuracy_and_the_error_weighs_bins_by_count()
    {
        // Bin [0.1, 0.2): 0.1, 0.15 with one right: mean 0.125, accuracy 0.5, gap 0.375.
        // Bin [0.8, 0.9): 0.8, 0.85, 0.85, all right: mean 2.5/3, accuracy 1, gap 1/6.
        // Bin [0.9, 1] (closed, so 1.0 belongs): 0.9, 1.0, one right: mean 0.95, accuracy 0.5, gap 0.45.
        // ECE = (2·0.375 + 3·(1/6) + 2·0.45) / 7 = (0.75 + 0.5 + 0.9) / 7 = 2.15 / 7.
        var quality = CalibrationQuality.Of(
        [
            (0.1, true), (0.15, false), (0.8, true), (0.85, true), (0.85, true), (0.9, false), (1.0, true),
        ]);

        Assert.Equal(7, quality.Answers);
        Assert.Equal(2.15 / 7, quality.ExpectedCalibrationError, 12);
        Assert.Equal(10, quality.Bins.Count);
        Assert.Equal(new[] { 0, 2, 0, 0, 0, 0, 0, 0, 3, 2 }, quality.Bins.Select(b => b.Count));
        Assert.Equal((0.1, 0.2, 0.125, 0.5), Figures(quality.Bins[1]));
        Assert.Equal((0.8, 0.9, Math.Round(2.5 / 3, 12), 1.0), Figures(quality.Bins[8]));
        Assert.Equal((0.9, 1.0, 0.95, 0.5), Figures(quality.Bins[9]));
        Assert.True(double.IsNaN(quality.Bins[0].MeanConfidence) && double.IsNaN(quality.Bins[0].Accuracy));
    }

    [Fact]
    public void Confidences_that_equal_the_rate_of_right_answers_have_no_error()
    {
        // 0.25 in bin 2 with 1 of 4 right; 0.75 in bin 7 with 3 of 4 right.
        var quality = CalibrationQuality.Of(
        [
            (0.25, true), (0.25, false), (0.25, false), (0.25, false), (0.75, true), (0.75, true), (0.75, true), (0.75, false),
        ]);

        Assert.Equal(0, quality.ExpectedCalibrationError, 12);
    }

    [Fact]
    public void A_confidence_outside_zero_to_one_is_refused()
    {
        Assert.Throws<ArgumentException>(() => CalibrationQuality.Of([(1.2, true)]));
    }

    private static (double, double, double, double) Figures(ReliabilityBin bin) =>
        (Math.Round(bin.Lower, 12), Math.Round(bin.Upper, 12), Math.Round(bin.MeanConfidence, 12), bin.Accuracy);
}
