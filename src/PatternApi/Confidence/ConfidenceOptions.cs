namespace PatternSync.PatternApi.Confidence;

/// <summary>Section "Confidence".</summary>
public sealed class ConfidenceOptions
{
    public const string Section = "Confidence";

    /// <summary>The file shipped next to the API's assembly, used when <see cref="CalibrationPath"/> is not set.</summary>
    public static string DefaultCalibrationPath => Path.Combine(AppContext.BaseDirectory, "Confidence", "calibration.json");

    /// <summary>The calibration file (relative to the content root); the shipped default when not set.</summary>
    public string? CalibrationPath { get; set; }
}
