using System.Globalization;

namespace PatternSync.Bench;

/// <summary>
/// A snapshot of a host's Prometheus histograms (sum and count), so a benchmark can say where a
/// phase's time went: the difference of two snapshots gives the mean of each histogram in between.
/// </summary>
internal sealed class ServiceMetrics(IReadOnlyDictionary<string, double> values)
{
    public static async Task<ServiceMetrics> ScrapeAsync(HttpClient http)
    {
        var text = await http.GetStringAsync("/metrics");
        var values = new Dictionary<string, double>();
        foreach (var line in text.Split('\n'))
        {
            if (line.StartsWith('#')) continue;
            var space = line.LastIndexOf(' ');
            if (space > 0 && double.TryParse(line[(space + 1)..], NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
                values[line[..space]] = value;
        }
        return new ServiceMetrics(values);
    }

    /// <summary>
    /// The mean, in milliseconds, of the histogram <paramref name="name"/> (in seconds) over the spans between pairs of
    /// snapshots (a benchmark alternating two kinds of request adds up the spans of each).
    /// </summary>
    public static double MeanMs(IEnumerable<(ServiceMetrics Before, ServiceMetrics After)> spans, string name)
    {
        double sum = 0, count = 0;
        foreach (var (before, after) in spans)
        {
            sum += after.Value($"{name}_sum") - before.Value($"{name}_sum");
            count += after.Value($"{name}_count") - before.Value($"{name}_count");
        }
        return count == 0 ? double.NaN : 1000 * sum / count;
    }

    private double Value(string name) => values.TryGetValue(name, out var value) ? value : 0;
}
