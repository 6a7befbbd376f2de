using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using PatternSync.Core.Embeddings;
using PatternSync.Core.Patterns;
using PatternSync.Core.VectorIndex;
using PatternSync.PatternApi.Confidence;
using PatternSync.PatternApi.Matching;

namespace PatternApi.FunctionalTests;

/// <summary>The API on the local model and the embedded index, so a match finds real patterns by meaning and by words.</summary>
public sealed class LocalModelApiFixture : PatternApiFixture
{
    protected override IReadOnlyDictionary<string, string> Settings => new Dictionary<string, string>
    {
        ["Embedding:Provider"] = "MiniLM",
        ["VectorIndex:Provider"] = "Postgres",
    };
}

/// <summary>
/// <c>calibrate</c> on two pattern types of the sample library and their labelled queries: it writes a rising fit per
/// retrieval mode for the model, keeps the other models' entries, and an API reading the file gives calibrated confidences.
/// </summary>
public sealed class CalibrateCommandTests(LocalModelApiFixture api) : IClassFixture<LocalModelApiFixture>, IDisposable
{
    private static readonly string SampleData = Path.Combine(AppContext.BaseDirectory, "sample-data");
    private static readonly string[] Types = ["caching", "database_tuning"];
    private readonly string _folder = Directory.CreateTempSubdirectory("calibrate").FullName;

    [Fact]
    public async Task The_command_writes_a_rising_fit_per_mode_that_the_API_then_gives_as_confidence()
    {
        var names = await LoadAndIndexAsync();
        var queries = Path.Combine(_folder, "queries.json");
        await File.WriteAllTextAsync(queries, LabelledQueriesOn(names).ToJsonString());
        var calibration = Path.Combine(_folder, "calibration.json");
        await File.WriteAllTextAsync(calibration, """{ "models": { "other/3": { "dense": { "a": 1.5, "b": 0.25 } } } }""");
        var (output, messages) = (new StringWriter(), new StringWriter());

        var exit = await CalibrateCommand.RunAsync(api.Services, ["--queries", queries, "--out", calibration], output, messages);

        Assert.True(exit == 0, messages.ToString());
        var fits = CalibrationFile.Read(calibration);
        Assert.Equal(new PlattScaling(1.5, 0.25), fits["other/3"][MatchRetrieval.Dense]);
        var model = api.Services.GetRequiredService<EmbeddingModel>().Key;
        Assert.Equal(Enum.GetValues<MatchRetrieval>(), fits[model].Keys.Order());
        Assert.All(fits[model].Values, fit => Assert.True(fit.A > 0));
        Assert.Contains("Report split, all answers", output.ToString());
        Assert.Contains("Report split, top-1 answers", output.ToString());

        // An API reading the new file gives the fit's confidence, not the raw cosine.
        var dense = fits[model][MatchRetrieval.Dense];
        using var calibrated = api.WithWebHostBuilder(b => b.UseSetting("Confidence:CalibrationPath", calibration));
        var matched = await MatchAsync(calibrated.CreateClient());
        Assert.NotEmpty(matched);
        var best = matched.Max(m => Score(m, "retrieval_score"));
        Assert.All(matched, m => Assert.Equal(
            dense.Probability(Score(m, "retrieval_score"), Score(m, "retrieval_score") - best), Score(m, "confidence_score"), 0.002));
        Assert.Contains(matched, m => Math.Abs(Score(m, "confidence_score") - Score(m, "similarity")) > 0.05);
    }

    [Fact]
    public async Task Missing_queries_or_a_labelled_entry_without_a_split_is_refused_naming_it_and_nothing_is_written()
    {
        var queries = Path.Combine(_folder, "queries.json");
        await File.WriteAllTextAsync(queries, """
            [ { "intent": "a", "expected": ["b"], "split": "tune" }, { "intent": "c", "expected": ["d"] } ]
            """);
        var calibration = Path.Combine(_folder, "calibration.json");
        var messages = new StringWriter();

        Assert.Equal(2, await CalibrateCommand.RunAsync(api.Services, ["--out", calibration], TextWriter.Null, messages));
        Assert.Equal(2,
            await CalibrateCommand.RunAsync(api.Services, ["--queries", queries, "--out", calibration], TextWriter.Null, messages));

        Assert.Contains("usage: calibrate --queries FILE", messages.ToString());
        Assert.Contains($"{queries}: [1].split must be \"tune\" or \"report\".", messages.ToString());
        Assert.False(File.Exists(calibration));
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    /// <summary>Creates the sample patterns of <see cref="Types"/> and indexes their vectors as the sync worker would.</summary>
    private async Task<HashSet<string>> LoadAndIndexAsync()
    {
        var client = api.CreateClient();
        foreach (var type in Types)
        {
            var patterns = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(SampleData, "patterns", $"{type}.json")))!;
            foreach (var pattern in patterns.AsArray()) await client.CreateAsync(pattern!.AsObject());
        }

        await using var db = api.Database.CreateDbContext();
        var rows = await db.Patterns.AsNoTracking().ToListAsync();
        var embedder = api.Services.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>();
        var vectors = await embedder.GenerateAsync(rows.Select(PatternEmbeddingText.Compose).ToList());
        await api.Services.GetRequiredService<IPatternVectorIndex>()
            .UpsertAsync(rows.Zip(vectors, (row, vector) => new PatternPoint(PatternPayload.From(row), vector.Vector)).ToList());
        return rows.Select(r => r.Name).ToHashSet();
    }

    /// <summary>The sample queries, paraphrased and identifier, whose expected patterns are all loaded.</summary>
    private static JsonArray LabelledQueriesOn(HashSet<string> names) => new(
        new[] { "queries.json", "identifier-queries.json" }
            .SelectMany(file => JsonNode.Parse(File.ReadAllText(Path.Combine(SampleData, file)))!.AsArray())
            .Where(q => q!["expected"]!.AsArray().All(e => names.Contains(e!.GetValue<string>())))
            .Select(q => q!.DeepClone())
            .ToArray());

    private static async Task<List<JsonObject>> MatchAsync(HttpClient client)
    {
        var response = await client.PostAsJsonAsync("/api/v1/patterns/match", new JsonObject
        {
            ["intent"] = "cache stampede when a hot key expires", ["limit"] = 5, ["min_confidence"] = 0.0,
            ["ranking"] = "similarity", ["retrieval"] = "dense",
        });
        response.EnsureSuccessStatusCode();
        return (await response.ReadJsonAsync())["matched_patterns"]!.AsArray().Select(m => m!.AsObject()).ToList();
    }

    private static double Score(JsonObject match, string field) =>
        (match[field] ?? match["score_details"]![field])!.GetValue<double>();
}
