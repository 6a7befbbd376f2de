using Microsoft.Extensions.Options;
using PatternSync.Core.Embeddings;
using PatternSync.PatternApi.Matching;

namespace PatternSync.PatternApi.Confidence;

/// <summary>
/// The configured embedding model's confidence fits, one per retrieval mode, from the calibration file. A mode the file has no
/// fit for gets <see cref="RawScoreConfidence"/> (the seed's raw score as confidence), said once in a warning.
/// </summary>
public sealed class ConfidenceCalibration
{
    private readonly IReadOnlyDictionary<MatchRetrieval, PlattScaling> _fits;

    public ConfidenceCalibration(IOptions<ConfidenceOptions> options, EmbeddingModel model, ILogger<ConfidenceCalibration> logger)
    {
        FilePath = options.Value.CalibrationPath ?? ConfidenceOptions.DefaultCalibrationPath;
        _fits = CalibrationFile.Read(FilePath).GetValueOrDefault(model.Key) ?? new Dictionary<MatchRetrieval, PlattScaling>();
        var missing = Enum.GetValues<MatchRetrieval>().Where(m => !_fits.ContainsKey(m)).Select(CalibrationFile.Name).ToList();
        if (missing.Count > 0)
            logger.LogWarning(
                "{CalibrationPath} has no confidence fit for model {EmbeddingModel} and retrieval {Modes}: their confidence_score "
                + "is the raw retrieval score clamped to [0, 1]; fit them with the calibrate command (docs/confidence.md)",
                FilePath, model.Key, string.Join(", ", missing));
    }

    /// <summary>The file the fits come from (where the calibrate command writes by default).</summary>
    public string FilePath { get; }

    public IConfidenceMap For(MatchRetrieval retrieval) => _fits.TryGetValue(retrieval, out var fit) ? fit : RawScoreConfidence.Instance;
}
