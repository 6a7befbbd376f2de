using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Npgsql;
using PatternSync.Core.Matching;

namespace PatternSync.Bench;

/// <summary>
/// Retrieval quality and cost through the API as a process (issue 15). Quality: the sample library stored through the
/// API and indexed by the real worker (embedded PostgreSQL index, MiniLM), each report-split query of both labelled sets
/// asked with <c>retrieval</c> dense, lexical and hybrid (ranking similarity, limit 10, min_confidence 0): hit@1/3,
/// MRR@10, the expected calibration error of <c>confidence_score</c> over every answer returned, and how many right
/// answers the seed's <c>min_confidence: 0.7</c> keeps against dense's raw cosine. Cost: the library grown to N patterns
/// with clones (as the match-latency benchmark loads them), match latency of dense and hybrid alternated, every intent new.
/// </summary>
internal static class RetrievalBenchmark
{
    private const string ApiUrl = "http://127.0.0.1:18096";
    private const string WorkerUrl = "http://127.0.0.1:18097";
    private const int Limit = 10;
    private const double SeedThreshold = 0.7; // the seed's example asks for min_confidence 0.7
    private const int WarmUp = 300;
    private static readonly string[] Retrievals = ["dense", "lexical", "hybrid"];
    private static readonly string[] Timed = ["dense", "hybrid"];
    private static readonly (string Set, string File)[] Sets = [("paraphrased", "queries.json"), ("identifier", "identifier-queries.json")];

    public static async Task<int> RunAsync(string[] args)
    {
        var size = BenchResults.Option(args, "--patterns", 10_000); // 0: quality only
        var count = BenchResults.Option(args, "--queries", 1000);
        var run = BenchRun.New("benchretrieval");
        try
        {
            await using var api = BenchRun.StartHost("PatternApi", ApiUrl, run.Settings(("Database:MigrateOnStart", "true"),
                ("VectorIndex:Provider", "Postgres"), ("Embedding:Provider", "MiniLM")));
            await api.WaitReadyAsync(TimeSpan.FromMinutes(3));
            using var http = new HttpClient { BaseAddress = new Uri(ApiUrl) };
            await LoadSampleLibraryAsync(run, http);
            var answered = await AskAsync(http);
            Console.Error.WriteLine($"retrieval: {answered.Count} matches answered; timing at {size} patterns...");
            Report(answered, size > 0 ? await TimeAsync(run, http, size, count) : []);
        }
        finally
        {
            await run.DropAsync();
        }
        return 0;
    }

    /// <summary>The sample patterns created through the API and embedded and indexed by the worker, which then stops.</summary>
    private static async Task LoadSampleLibraryAsync(BenchRun run, HttpClient http)
    {
        await using var worker = BenchRun.StartHost("SyncWorker", WorkerUrl, run.Settings(
            ("VectorIndex:Provider", "Postgres"), ("Embedding:Provider", "MiniLM")));
        await worker.WaitReadyAsync(TimeSpan.FromMinutes(3));
        foreach (var body in SampleTexts.Bodies())
            (await http.PostAsJsonAsync("/api/v1/patterns", body)).EnsureSuccessStatusCode();
        await PipelineLatencyBenchmark.WaitIndexedAsync(run.ConnectionString);
    }

    /// <summary>Each report query of both sets in each retrieval, with what came back.</summary>
    private static async Task<List<Answered>> AskAsync(HttpClient http)
    {
        var answered = new List<Answered>();
        foreach (var (set, file) in Sets)
            foreach (var query in LabelledQuery.Report(set, file))
                foreach (var retrieval in Retrievals)
                {
                    var body = await AlternatingMatches.MatchAsync(http, Request(query.Intent, query.Context, retrieval));
                    answered.Add(new Answered(query, retrieval, body["matched_patterns"]!.AsArray().Select(m => new Answer(
                        query.Expected.Contains(m!["name"]!.GetValue<string>()), m["confidence_score"]!.GetValue<double>(),
                        m["score_details"]!["similarity"]?.GetValue<double>())).ToList()));
                }
        return answered;
    }

    /// <summary>
    /// The library grown to <paramref name="size"/> with cloned sample patterns (random vectors, real texts for the lexical
    /// index), then <paramref name="count"/> intents of each mix per retrieval, dense and hybrid alternating, each intent new:
    /// the labelled queries (with their context, many quoting identifiers), and the match-latency benchmark's short problems,
    /// which the earlier latency figures and the goal were measured with.
    /// </summary>
    private static async Task<List<Latency>> TimeAsync(BenchRun run, HttpClient http, int size, int count)
    {
        await using (var dataSource = NpgsqlDataSource.Create(run.ConnectionString))
        {
            var stored = await BenchData.ScalarAsync(dataSource, "SELECT count(*) FROM success_patterns");
            await BenchData.LoadIndexedAsync(dataSource, (int)stored, size);
        }
        var labelled = Sets.SelectMany(s => LabelledQuery.Tune(s.Set, s.File).Concat(LabelledQuery.Report(s.Set, s.File)))
            .Select(q => (q.Intent, q.Context)).ToList<(string Intent, string? Context)>();
        var mixes = new (string Mix, List<(string Intent, string? Context)> Queries)[]
        {
            ("labelled", labelled), ("short", MatchLatencyBenchmark.Problems.Select(p => (p, (string?)null)).ToList()),
        };
        var latencies = new List<Latency>();
        foreach (var (mix, queries) in mixes)
        {
            var cases = Enumerable.Range(0, count).Select(i => (Query: queries[i % queries.Count], Case: i)).ToList();
            // Steady state first: the API has read every vector and lexical document, and runs tier-1 JIT code.
            await AlternatingMatches.RunAsync(http, cases.Take(WarmUp).ToList(), Timed,
                (c, retrieval) => Request($"{c.Query.Intent} (case {c.Case}, warm-up, {retrieval})", c.Query.Context, retrieval));
            var times = await AlternatingMatches.RunAsync(http, cases, Timed,
                (c, retrieval) => Request($"{c.Query.Intent} (case {c.Case}, {retrieval})", c.Query.Context, retrieval));
            latencies.Add(new Latency(mix, size, times));
        }
        return latencies;
    }

    private static JsonObject Request(string intent, string? context, string retrieval)
    {
        var request = new JsonObject
        {
            ["intent"] = intent, ["limit"] = Limit, ["min_confidence"] = 0.0, ["ranking"] = "similarity", ["retrieval"] = retrieval,
        };
        if (context is not null) request["context"] = context;
        return request;
    }

    private static void Report(List<Answered> answered, List<Latency> latencies)
    {
        var rows = new List<(string, string)>
        {
            ("setup", $"sample library indexed by the worker, embedded PostgreSQL index, all-MiniLM-L6-v2; report split; "
                + $"ranking similarity, limit {Limit}, min_confidence 0"),
        };
        var quality = new List<object>();
        var figures = new Dictionary<(string Set, string Retrieval), RetrievalQuality>();
        foreach (var (set, _) in Sets)
            foreach (var retrieval in Retrievals)
            {
                var of = answered.Where(a => a.Query.Set == set && a.Retrieval == retrieval).ToList();
                var found = RetrievalQuality.Of(of.Select(a => a.Rank).ToList());
                var ece = ExpectedCalibrationError(of.SelectMany(a => a.Answers).ToList());
                figures[(set, retrieval)] = found;
                rows.Add(($"{set} ({found.Queries}) {retrieval}", $"{found}  ECE {ece:F3}"));
                quality.Add(new { set, retrieval, found.Queries, found.HitAt1, found.HitAt3, found.MrrAt10, ece });
            }
        var calibration = Retrievals.ToDictionary(r => r,
            r => ExpectedCalibrationError(answered.Where(a => a.Retrieval == r).SelectMany(a => a.Answers).ToList()));
        // The seed's confidence, for comparison: dense's raw cosine read as a probability.
        var rawCosine = ExpectedCalibrationError(answered.Where(a => a.Retrieval == "dense")
            .SelectMany(a => a.Answers).Select(a => a with { Confidence = Math.Clamp(a.Similarity ?? 0, 0, 1) }).ToList());
        rows.Add(("ECE, both sets", string.Join(", ", Retrievals.Select(r => $"{r} {calibration[r]:F3}"))
            + $"; dense raw cosine {rawCosine:F3}"));
        var hybridAnswers = answered.Where(a => a.Retrieval == "hybrid").SelectMany(a => a.Answers).ToList();
        rows.AddRange(Reliability(hybridAnswers).Select(b => ($"  hybrid reliability {b.Lower:F1}-{b.Upper:F1}",
            $"{b.Count,4} answers, mean confidence {b.MeanConfidence:F3}, right {b.Accuracy:F3}")));
        var kept = Sets.Select(s => KeptAt(s.Set, answered)).ToList();
        rows.AddRange(kept.Select(k => ($"min_confidence {SeedThreshold} keeps ({k.Set})", k.ToString())));

        rows.AddRange(latencies.SelectMany(LatencyRows));
        rows.AddRange(Goals(figures, calibration["hybrid"], latencies));

        BenchResults.Report("retrieval", rows, new
        {
            limit = Limit, bins = CalibrationQuality.BinCount, quality, ece_both_sets = calibration, ece_dense_raw_cosine = rawCosine,
            reliability_hybrid = Reliability(hybridAnswers), min_confidence_kept = kept,
            latency = latencies.Select(l => new
            {
                intents = l.Mix, patterns = l.Patterns, queries_per_retrieval = l.Times["dense"].Ms.Count,
                dense_p50_ms = l.P("dense", 0.5), dense_p99_ms = l.P("dense", 0.99),
                hybrid_p50_ms = l.P("hybrid", 0.5), hybrid_p99_ms = l.P("hybrid", 0.99),
                p99_ratio = l.P("hybrid", 0.99) / l.P("dense", 0.99),
            }),
        });
    }

    private static IEnumerable<(string, string)> LatencyRows(Latency latency)
    {
        var at = $"{latency.Patterns} patterns, {latency.Mix} intents";
        foreach (var retrieval in Timed)
        {
            yield return ($"{at}, uncached, {retrieval}", BenchResults.Table(latency.Times[retrieval].Ms));
            yield return ("    of which (means)", AlternatingMatches.Breakdown(latency.Times[retrieval]));
        }
        yield return ($"{at}, hybrid/dense", $"p50 x{latency.P("hybrid", 0.5) / latency.P("dense", 0.5):F2}, "
            + $"p99 x{latency.P("hybrid", 0.99) / latency.P("dense", 0.99):F2} ({latency.Times["dense"].Ms.Count} intents each, "
            + $"alternating in blocks of {AlternatingMatches.BlockSize})");
    }

    /// <summary>The issue's goals beside the figures they are read from.</summary>
    private static IEnumerable<(string, string)> Goals(
        Dictionary<(string Set, string Retrieval), RetrievalQuality> figures, double ece, List<Latency> latencies)
    {
        static string Verdict(bool met) => met ? "met" : "NOT met";
        var paraphrased = figures[("paraphrased", "hybrid")].HitAt3;
        var identifier = figures[("identifier", "hybrid")].HitAt1;
        yield return ("goal hybrid hit@3 >= 0.95, paraphrased", $"{paraphrased:F3} {Verdict(paraphrased >= 0.95)}");
        yield return ("goal hybrid hit@1 >= 0.9, identifier", $"{identifier:F3} {Verdict(identifier >= 0.9)}");
        var below = Sets.SelectMany(s => new (string Name, Func<RetrievalQuality, double> Of)[]
                { ("hit@1", q => q.HitAt1), ("hit@3", q => q.HitAt3), ("MRR@10", q => q.MrrAt10) }
            .Where(m => m.Of(figures[(s.Set, "hybrid")]) < m.Of(figures[(s.Set, "dense")]))
            .Select(m => $"{s.Set} {m.Name} {m.Of(figures[(s.Set, "hybrid")]):F3} < {m.Of(figures[(s.Set, "dense")]):F3}"))
            .ToList();
        yield return ("goal hybrid never below dense", below.Count == 0 ? "met" : "NOT met: " + string.Join("; ", below));
        yield return ("goal ECE <= 0.05 (hybrid, both sets)", $"{ece:F3} {Verdict(ece <= 0.05)}");
        if (latencies.Count == 0) yield return ("goal hybrid uncached p99 <= 25 ms at 10k", "not measured (--patterns 0)");
        foreach (var latency in latencies)
            yield return ($"goal hybrid uncached p99 <= 25 ms at 10k, {latency.Mix} intents",
                $"{latency.P("hybrid", 0.99):F1} ms at {latency.Patterns} {Verdict(latency.P("hybrid", 0.99) <= 25)}");
    }

    private static double ExpectedCalibrationError(IReadOnlyCollection<Answer> answers) =>
        Quality(answers).ExpectedCalibrationError;

    /// <summary>The reliability table's bins that hold answers.</summary>
    private static List<ReliabilityBin> Reliability(IReadOnlyCollection<Answer> answers) =>
        Quality(answers).Bins.Where(b => b.Count > 0).ToList();

    private static CalibrationQuality Quality(IReadOnlyCollection<Answer> answers) =>
        CalibrationQuality.Of(answers.Select(a => (a.Confidence, a.Right)).ToList());

    /// <summary>What the seed's threshold keeps of a set's answers: on each retrieval's confidence, and on dense's raw cosine.</summary>
    private static Kept KeptAt(string set, List<Answered> answered)
    {
        var of = answered.Where(a => a.Query.Set == set).ToList();
        Threshold Count(string retrieval, Func<Answer, double?> score)
        {
            var asked = of.Where(a => a.Retrieval == retrieval).ToList();
            var passing = asked.Select(a => a.Answers.Where(x => score(x) >= SeedThreshold).ToList()).ToList();
            return new Threshold(passing.Sum(p => p.Count(x => x.Right)), passing.Sum(p => p.Count(x => !x.Right)),
                passing.Count(p => p.Any(x => x.Right)), asked.Sum(a => a.Answers.Count(x => x.Right)));
        }
        return new Kept(set, of.Count / Retrievals.Length, Retrievals.ToDictionary(r => r, r => Count(r, a => a.Confidence)),
            Count("dense", a => a.Similarity));
    }

    /// <summary>One mix of intents' times per retrieval at a library size.</summary>
    private sealed record Latency(string Mix, int Patterns, Dictionary<string, AlternatingMatches.ArmTimes> Times)
    {
        public double P(string retrieval, double p) => BenchResults.Percentile(Times[retrieval].Ms, p);
    }

    private sealed record Answer(bool Right, double Confidence, double? Similarity);

    private sealed record Answered(LabelledQuery Query, string Retrieval, List<Answer> Answers)
    {
        public int Rank => Answers.FindIndex(a => a.Right) + 1;
    }

    /// <summary>Right and wrong answers at or above the threshold, queries with a right one kept, right answers returned.</summary>
    private sealed record Threshold(int Right, int Wrong, int Queries, int RightReturned)
    {
        public override string ToString() => $"{Right}/{RightReturned} right ({Wrong} wrong), {Queries} queries";
    }

    private sealed record Kept(string Set, int Queries, Dictionary<string, Threshold> Confidence, Threshold DenseCosine)
    {
        public override string ToString() =>
            string.Join("; ", Confidence.Select(c => $"{c.Key} {c.Value}")) + $" of {Queries}; dense raw cosine {DenseCosine}";
    }
}
