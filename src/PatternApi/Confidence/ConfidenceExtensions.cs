using Microsoft.Extensions.Options;

namespace PatternSync.PatternApi.Confidence;

public static class ConfidenceExtensions
{
    /// <summary>Registers <see cref="ConfidenceCalibration"/>; a calibration file that is missing or invalid fails the start.</summary>
    public static IHostApplicationBuilder AddConfidenceCalibration(this IHostApplicationBuilder builder)
    {
        var contentRoot = builder.Environment.ContentRootPath;
        builder.Services.AddOptions<ConfidenceOptions>().BindConfiguration(ConfidenceOptions.Section)
            .PostConfigure(o => o.CalibrationPath = o.CalibrationPath is { Length: > 0 } path ? Path.Combine(contentRoot, path) : null)
            .ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<ConfidenceOptions>, CalibrationFileValidation>();
        builder.Services.AddSingleton<ConfidenceCalibration>();
        return builder;
    }

    /// <summary>The calibration file must read: a start fails naming the key rather than the first match.</summary>
    private sealed class CalibrationFileValidation : IValidateOptions<ConfidenceOptions>
    {
        public ValidateOptionsResult Validate(string? name, ConfidenceOptions options)
        {
            try
            {
                CalibrationFile.Read(options.CalibrationPath ?? ConfidenceOptions.DefaultCalibrationPath);
                return ValidateOptionsResult.Success;
            }
            catch (InvalidDataException e)
            {
                return ValidateOptionsResult.Fail(
                    $"'{ConfidenceOptions.Section}:{nameof(ConfidenceOptions.CalibrationPath)}': {e.Message}");
            }
        }
    }
}
