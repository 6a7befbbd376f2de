using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using PatternSync.Core.Embeddings;
using PatternSync.PatternApi.Confidence;
using PatternSync.PatternApi.Matching;
using PatternSync.ServiceDefaults;
using Serilog.Core;
using Serilog.Events;

namespace PatternSync.UnitTests;

/// <summary>The configured model's fits from the calibration file, the raw-score fallback, and a bad file failing the start.</summary>
public sealed class ConfidenceCalibrationTests : IDisposable
{
    private static readonly EmbeddingModel Model = new("test-model", 3);
    private readonly string _folder = Directory.CreateTempSubdirectory("calibration").FullName;

    [Fact]
    public async Task Each_retrieval_mode_gets_the_configured_model_s_fit_from_the_file()
    {
        var path = Write("""
            { "models": {
                "test-model/3": { "hybrid": { "a": 10, "b": -3 }, "dense": { "a": 20, "b": -9 }, "lexical": { "a": 4, "b": -1 } },
                "other/3": { "dense": { "a": 1, "b": 0 } } } }
            """);
        using var host = await StartAsync(path, new LogLines());

        var calibration = host.Services.GetRequiredService<ConfidenceCalibration>();

        Assert.Equal(new PlattScaling(10, -3), calibration.For(MatchRetrieval.Hybrid));
        Assert.Equal(new PlattScaling(20, -9), calibration.For(MatchRetrieval.Dense));
        Assert.Equal(new PlattScaling(4, -1), calibration.For(MatchRetrieval.Lexical));
    }

    [Fact]
    public async Task A_mode_without_a_fit_is_the_raw_score_clamped_and_is_warned_about_once()
    {
        var path = Write("""
            { "models": { "test-model/3": { "dense": { "a": 20, "b": -9 } }, "other/3": { "hybrid": { "a": 1, "b": 0 } } } }
            """);
        var logs = new LogLines();
        using var host = await StartAsync(path, logs);

        var calibration = host.Services.GetRequiredService<ConfidenceCalibration>();
        var hybrid = calibration.For(MatchRetrieval.Hybrid);
        _ = calibration.For(MatchRetrieval.Lexical);

        Assert.Equal((0.42, 1.0, 0.0), (hybrid.Probability(0.42), hybrid.Probability(1.3), hybrid.Probability(-0.2)));
        Assert.Equal((0.42, double.NegativeInfinity), (hybrid.ScoreAt(0.42), hybrid.ScoreAt(0)));
        var warning = Assert.Single(logs.Warnings);
        Assert.Contains("test-model/3", warning);
        Assert.Contains("hybrid, lexical", warning);
    }

    [Theory]
    [InlineData(null, "does not exist")]
    [InlineData("""{ "models": { "test-model/3": { "dense": { "a": -2, "b": 1 } } } }""",
        "models['test-model/3'].dense.a must be a number above 0")]
    [InlineData("""{ "models": { "test-model/3": { "sparse": { "a": 2, "b": 1 } } } }""",
        "models['test-model/3'].sparse is not a retrieval mode")]
    [InlineData("""{ "models": { "test-model/3": { "dense": { "a": 2 } } } }""", "models['test-model/3'].dense.b must be a number")]
    [InlineData("""{ "fits": [] }""", "models must be a JSON object")]
    [InlineData("""{ "models": """, "is not JSON")]
    public async Task A_missing_or_invalid_file_fails_the_start_naming_the_key_and_the_problem(string? content, string problem)
    {
        var path = content is null ? Path.Combine(_folder, "absent.json") : Write(content);

        var failure = await Assert.ThrowsAsync<OptionsValidationException>(() => StartAsync(path, new LogLines()));

        Assert.Contains("'Confidence:CalibrationPath'", failure.Message);
        Assert.Contains(problem, failure.Message);
    }

    [Fact]
    public async Task The_shipped_file_is_used_when_no_path_is_configured()
    {
        using var host = await StartAsync(null, new LogLines());

        Assert.Equal(ConfidenceOptions.DefaultCalibrationPath, host.Services.GetRequiredService<ConfidenceCalibration>().FilePath);
    }

    [Fact]
    public void Writing_a_model_s_fits_replaces_those_modes_and_keeps_its_other_modes_and_the_other_models()
    {
        var path = Write("""
            { "models": { "other/3": { "dense": { "a": 1.5, "b": 0.25 } },
                          "test-model/3": { "lexical": { "a": 1, "b": 1 }, "dense": { "a": 2, "b": 2 } } } }
            """);

        CalibrationFile.Write(path, Model.Key, new Dictionary<MatchRetrieval, PlattScaling> { [MatchRetrieval.Dense] = new(12.5, -4) });

        var fits = CalibrationFile.Read(path);
        Assert.Equal(new PlattScaling(1.5, 0.25), fits["other/3"][MatchRetrieval.Dense]);
        Assert.Equal(new PlattScaling(12.5, -4), fits[Model.Key][MatchRetrieval.Dense]);
        Assert.Equal(new PlattScaling(1, 1), fits[Model.Key][MatchRetrieval.Lexical]);
        Assert.Equal(2, fits[Model.Key].Count);
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string Write(string content)
    {
        var path = Path.Combine(_folder, $"{Guid.NewGuid():N}.json");
        File.WriteAllText(path, content);
        return path;
    }

    private static async Task<IHost> StartAsync(string? calibrationPath, ILogEventSink logs)
    {
        var builder = Host.CreateApplicationBuilder();
        if (calibrationPath is not null) builder.Configuration["Confidence:CalibrationPath"] = calibrationPath;
        builder.AddServiceDefaults();
        builder.Services.AddSingleton(logs);
        builder.Services.AddSingleton(Model);
        builder.AddConfidenceCalibration();
        var host = builder.Build();
        await host.StartAsync();
        return host;
    }

    private sealed class LogLines : ILogEventSink
    {
        public List<string> Warnings { get; } = [];

        public void Emit(LogEvent logEvent)
        {
            if (logEvent.Level == LogEventLevel.Warning) lock (Warnings) Warnings.Add(logEvent.RenderMessage());
        }
    }
}
