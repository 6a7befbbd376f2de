using PatternSync.Testing;
using System.Text.Json;
using PatternSync.Core.Serialization;

namespace PatternSync.Bench;

/// <summary>Prints a result table for people and writes the same figures as JSON for machines.</summary>
internal static class BenchResults
{
    public static void Report(string benchmark, IReadOnlyList<(string Name, string Value)> rows, object figures)
    {
        var width = rows.Max(r => r.Name.Length);
        Console.WriteLine();
        Console.WriteLine($"{benchmark}");
        foreach (var (name, value) in rows) Console.WriteLine($"  {name.PadRight(width)}  {value}");
        var folder = Path.Combine(TestServices.RepositoryRoot, "bench", "results");
        Directory.CreateDirectory(folder);
        var file = Path.Combine(folder, $"{benchmark}-{DateTime.UtcNow:yyyyMMdd-HHmmss}.json");
        File.WriteAllText(file, JsonSerializer.Serialize(figures, new JsonSerializerOptions(PatternJson.Options) { WriteIndented = true }));
        Console.WriteLine($"  (JSON: {Path.GetRelativePath(Environment.CurrentDirectory, file)})");
    }

    public static double Percentile(IReadOnlyList<double> sorted, double p) =>
        sorted.Count == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];

    public static int Option(string[] args, string name, int fallback)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length && int.TryParse(args[i + 1], out var value) ? value : fallback;
    }

    public static string Table(IReadOnlyList<double> sortedMs) =>
        $"p50 {Percentile(sortedMs, 0.5):F1} ms, p90 {Percentile(sortedMs, 0.9):F1} ms, "
        + $"p99 {Percentile(sortedMs, 0.99):F1} ms, max {sortedMs[^1]:F1} ms";
}
