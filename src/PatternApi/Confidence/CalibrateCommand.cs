using System.Globalization;
using PatternSync.Core.Embeddings;
using PatternSync.Core.Matching;
using PatternSync.PatternApi.Matching;

namespace PatternSync.PatternApi.Confidence;

/// <summary>
/// <c>calibrate --queries FILE [--queries FILE] [--out FILE]</c>: runs labelled queries through the matcher in each retrieval mode,
/// fits each mode's confidence on the "tune" split, reports its calibration on the "report" split, and writes the fits for the
/// configured model into the calibration file (the one in use unless <c>--out</c> names another), keeping other models' entries.
/// </summary>
public static class CalibrateCommand
{
    private const string Usage = "usage: calibrate --queries FILE [--queries FILE ...] [--out FILE]";

    /// <summary>An answer of a labelled query: its retrieval score, whether it is expected, its 1-based rank, and its query.</summary>
    private sealed record Answer(double Score, double Gap, bool Right, int Rank, bool Tune, LabelledQuery Query)
    {
        public bool First => Rank == 1;
    }

    /// <returns>0 when every mode was fit; 1 when a mode's fit was refused (the others are written); 2 on bad arguments.</returns>
    public static async Task<int> RunAsync(IServiceProvider services, string[] args, TextWriter? output = null, TextWriter? messages = null)
    {
        output ??= Console.Out;
        messages ??= Console.Error;
        var (queryFiles, outPath) = ParseArguments(args);
        if (queryFiles.Count == 0)
        {
            messages.WriteLine(Usage);
            return 2;
        }
        List<LabelledQuery> queries;
        try
        {
            queries = queryFiles.SelectMany(LabelledQuery.Read).ToList();
        }
        catch (Exception e) when (e is InvalidDataException or IOException)
        {
            messages.WriteLine(e.Message);
            return 2;
        }

        var model = services.GetRequiredService<EmbeddingModel>();
        outPath ??= services.GetRequiredService<ConfidenceCalibration>().FilePath;
        var fits = await FitAsync(services, queries, output, messages);
        if (fits.Count == 0)
        {
            messages.WriteLine($"no mode could be fit: {outPath} is left as it was");
            return 1;
        }
        CalibrationFile.Write(outPath, model.Key, fits);
        messages.WriteLine($"wrote the fits of {string.Join(", ", fits.Keys.Select(CalibrationFile.Name))} for {model.Key} into {outPath}");
        return fits.Count == Enum.GetValues<MatchRetrieval>().Length ? 0 : 1;
    }

    /// <summary>Each mode's fit on the tune split, its quality on the report split printed; a refused fit is said and left out.</summary>
    private static async Task<Dictionary<MatchRetrieval, PlattScaling>> FitAsync(
        IServiceProvider services, IReadOnlyList<LabelledQuery> queries, TextWriter output, TextWriter messages)
    {
        var fits = new Dictionary<MatchRetrieval, PlattScaling>();
        await using var scope = services.CreateAsyncScope();
        var matcher = scope.ServiceProvider.GetRequiredService<PatternMatcher>();
        foreach (var mode in Enum.GetValues<MatchRetrieval>())
        {
            var answers = await AnswerAsync(matcher, queries, mode);
            try
            {
                fits[mode] = PlattScaling.Fit(answers.Where(a => a.Tune).Select(a => (a.Score, a.Gap, a.Right)).ToList());
                Report(output, mode, fits[mode], answers.Where(a => !a.Tune).ToList());
            }
            catch (ArgumentException e)
            {
                messages.WriteLine($"{CalibrationFile.Name(mode)}: no fit: {e.Message}");
            }
        }
        return fits;
    }

    private static (List<string> Queries, string? Out) ParseArguments(string[] args)
    {
        var queries = new List<string>();
        string? outPath = null;
        for (var i = 0; i < args.Length; i += 2)
            switch (args[i..])
            {
                case ["--queries", var file, ..]: queries.Add(file); break;
                case ["--out", var file, ..] when outPath is null: outPath = file; break;
                default: return ([], null);
            }
        return (queries, outPath);
    }

    /// <summary>Every answer each query gets under this mode.</summary>
    private static async Task<List<Answer>> AnswerAsync(PatternMatcher matcher, IReadOnlyList<LabelledQuery> queries, MatchRetrieval mode)
    {
        var answers = new List<Answer>();
        foreach (var query in queries)
        {
            var response = await matcher.MatchAsync(query.Request(mode), CancellationToken.None);
            var best = response.MatchedPatterns.Select(m => m.ScoreDetails.RetrievalScore).DefaultIfEmpty().Max();
            answers.AddRange(response.MatchedPatterns.Select((m, rank) => new Answer(m.ScoreDetails.RetrievalScore,
                m.ScoreDetails.RetrievalScore - best, query.Expected.Contains(m.Name), rank + 1, query.Tune, query)));
        }
        return answers;
    }

    private static void Report(TextWriter output, MatchRetrieval mode, PlattScaling fit, IReadOnlyList<Answer> report)
    {
        output.WriteLine(Invariant($"## {CalibrationFile.Name(mode)}: A = {fit.A:F6}, B = {fit.B:F6}, C = {fit.C:F6}"));
        output.WriteLine();
        output.WriteLine(Retrieved(report));
        foreach (var (title, answers) in new[] { ("all answers", report), ("top-1 answers", report.Where(a => a.First).ToList()) })
        {
            var calibrated = CalibrationQuality.Of(answers.Select(a => (fit.Probability(a.Score, a.Gap), a.Right)).ToList());
            var raw = CalibrationQuality.Of(
                answers.Select(a => (RawScoreConfidence.Instance.Probability(a.Score, a.Gap), a.Right)).ToList());
            output.WriteLine();
            output.WriteLine(Invariant($"Report split, {title}: {answers.Count} answers, {answers.Count(a => a.Right)} right; ")
                + Invariant($"ECE {calibrated.ExpectedCalibrationError:F3} (raw score as confidence: {raw.ExpectedCalibrationError:F3})"));
            output.WriteLine();
            output.WriteLine("| confidence | answers | mean confidence | right |");
            output.WriteLine("|---|---:|---:|---:|");
            foreach (var bin in calibrated.Bins)
                output.WriteLine(bin.Count == 0
                    ? Invariant($"| {bin.Lower:F1}–{bin.Upper:F1} | 0 | | |")
                    : Invariant($"| {bin.Lower:F1}–{bin.Upper:F1} | {bin.Count} | {bin.MeanConfidence:F3} | {bin.Accuracy:F3} |"));
        }
        output.WriteLine();
    }

    /// <summary>How well the mode retrieves: hit@1, hit@3 and MRR@10 over the report split's queries.</summary>
    private static string Retrieved(IReadOnlyList<Answer> report)
    {
        var queries = report.Select(a => a.Query).Distinct().ToList();
        var firstRight = report.Where(a => a.Right).GroupBy(a => a.Query).ToDictionary(g => g.Key, g => g.Min(a => a.Rank));
        double Share(Func<int, bool> counts) =>
            queries.Count(q => firstRight.TryGetValue(q, out var r) && counts(r)) / (double)queries.Count;
        var mrr = queries.Sum(q => firstRight.TryGetValue(q, out var r) ? 1.0 / r : 0) / queries.Count;
        return Invariant($"Report split, {queries.Count} queries: hit@1 {Share(r => r == 1):F3}, hit@3 {Share(r => r <= 3):F3}, ")
            + Invariant($"MRR@10 {mrr:F3}");
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
