using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace PatternSync.Bench;

/// <summary>
/// Timed match requests through the API in two or more variants ("arms": rankings, retrievals), alternating in blocks over
/// the same queries so every arm sees the same machine noise; each block is one span of the API's histograms, for saying
/// where an arm's time went.
/// </summary>
internal static class AlternatingMatches
{
    public const int BlockSize = 10;

    /// <summary>One arm's times in a phase (sorted once the phase is over) and its spans of the API's histograms.</summary>
    public sealed record ArmTimes(List<double> Ms, List<(ServiceMetrics Before, ServiceMetrics After)> Spans);

    /// <summary>
    /// Each query once per arm, block by block, the first arm of a block swapping every block. <paramref name="request"/>
    /// makes an arm's request body for a query (its intent new, when the phase is meant to be uncached).
    /// </summary>
    public static async Task<Dictionary<string, ArmTimes>> RunAsync<T>(
        HttpClient http, IReadOnlyList<T> queries, IReadOnlyList<string> arms, Func<T, string, JsonObject> request)
    {
        var times = arms.ToDictionary(a => a, _ => new ArmTimes([], []));
        var snapshot = await ServiceMetrics.ScrapeAsync(http);
        var blocks = queries.Chunk(BlockSize).ToList();
        for (var b = 0; b < blocks.Count; b++)
        {
            foreach (var arm in b % 2 == 0 ? arms : arms.Reverse())
            {
                foreach (var query in blocks[b])
                {
                    var watch = Stopwatch.StartNew();
                    var answer = await MatchAsync(http, request(query, arm));
                    times[arm].Ms.Add(watch.Elapsed.TotalMilliseconds);
                    if (answer["total_matches"]!.GetValue<int>() == 0)
                        throw new InvalidOperationException("a benchmark match found nothing");
                }
                var next = await ServiceMetrics.ScrapeAsync(http);
                times[arm].Spans.Add((snapshot, next));
                snapshot = next;
            }
        }
        foreach (var t in times.Values) t.Ms.Sort();
        return times;
    }

    /// <summary>The API's answer to a match request.</summary>
    public static async Task<JsonObject> MatchAsync(HttpClient http, JsonObject request)
    {
        using var response = await http.PostAsJsonAsync("/api/v1/patterns/match", request);
        var body = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode) throw new HttpRequestException($"match answered {(int)response.StatusCode}: {body}");
        return JsonNode.Parse(body)!.AsObject();
    }

    /// <summary>Where an arm's time went inside the API, from its own histograms (means over its spans).</summary>
    public static string Breakdown(ArmTimes times) =>
        $"matcher {Ms(times, "pattern_match_latency_seconds")}: index search {Ms(times, "qdrant_search_duration_seconds")}, "
        + $"lexical search {Ms(times, "pattern_lexical_search_duration_seconds")}, "
        + $"row lookup {Ms(times, "postgres_lookup_duration_seconds")}, ranking {Ms(times, "pattern_ranking_duration_seconds")}, "
        + "the rest is the query embedding";

    private static string Ms(ArmTimes times, string histogram) =>
        ServiceMetrics.MeanMs(times.Spans, histogram) is var ms && double.IsNaN(ms) ? "none" : $"{ms:F1} ms";
}
