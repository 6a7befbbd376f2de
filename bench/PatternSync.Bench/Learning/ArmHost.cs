using System.Net.Http.Json;
using System.Text.Json.Nodes;
using PatternSync.Testing;

namespace PatternSync.Bench.Learning;

/// <summary>
/// One arm's own PatternSync: a throw-away database, the API and the worker as processes. Arms never share a database,
/// so no outcome of one arm reaches another's ranking. An arm tag with a tag filter would not isolate them cleanly: tags
/// are part of the embedded text (PatternEmbeddingText), so each arm's copies would have a slightly different similarity order.
/// Starting hosts costs far more than the rounds, so an arm's hosts serve every scenario and seed, each under a tag of its
/// own (the same in every arm): their patterns, match records and outcomes are disjoint, and only the library-wide prior's
/// evidence carries over, which weighs a task's candidates alike (they share their pattern type).
/// </summary>
internal sealed class ArmHost : IAsyncDisposable
{
    private readonly BenchRun _run;
    private readonly HostProcess _api;
    private readonly HostProcess? _worker;
    private readonly HttpClient _http;
    private readonly Dictionary<string, Guid> _ids = [];
    private readonly Dictionary<Guid, string> _keys = [];

    private ArmHost(BenchRun run, HostProcess api, HostProcess? worker) =>
        (_run, _api, _worker, _http) = (run, api, worker, new HttpClient { BaseAddress = new Uri(api.Url) });

    /// <summary>Starts arm <paramref name="index"/>'s hosts on ports of its own (18200 + 2 × index and the next one).</summary>
    /// <param name="apiSettings">More settings for the API, e.g. the ranking's parameters.</param>
    public static async Task<ArmHost> StartAsync(int index, (string Key, string Value)[] apiSettings)
    {
        var run = BenchRun.New($"benchlearn{index}x");
        var api = BenchRun.StartHost("PatternApi", $"http://127.0.0.1:{18200 + 2 * index}", run.Settings(
            [("VectorIndex:Provider", "Postgres"), ("Database:MigrateOnStart", "true"), ("Embedding:Provider", "MiniLM"), .. apiSettings]));
        HostProcess? worker = null;
        try
        {
            await api.WaitReadyAsync(TimeSpan.FromMinutes(3));
            worker = BenchRun.StartHost("SyncWorker", $"http://127.0.0.1:{18201 + 2 * index}", run.Settings(
                ("VectorIndex:Provider", "Postgres"), ("Embedding:Provider", "MiniLM")));
            await worker.WaitReadyAsync(TimeSpan.FromMinutes(3));
            return new ArmHost(run, api, worker);
        }
        catch
        {
            await new ArmHost(run, api, worker).DisposeAsync();
            throw;
        }
    }

    /// <summary>Stores the scenario's patterns under <paramref name="tag"/> and waits until the worker has indexed all of them.</summary>
    public async Task LoadAsync(LearningScenario scenario, string tag)
    {
        foreach (var pattern in scenario.Patterns)
        {
            var created = await SendAsync(http => http.PostAsJsonAsync("/api/v1/patterns", pattern.BodyTagged(tag)));
            var id = Guid.Parse(created["pattern_id"]!.GetValue<string>());
            (_ids[pattern.Key], _keys[id]) = (id, pattern.Key);
        }
        await PipelineLatencyBenchmark.WaitIndexedAsync(_run.ConnectionString);
    }

    /// <summary>
    /// A match among the patterns stored under <paramref name="tag"/> (limit 5, no confidence threshold): its match_id and
    /// the key of the top answer (null when nothing matched).
    /// </summary>
    public async Task<(Guid MatchId, string? TopKey)> MatchAsync(string tag, LearningTask task, string intent, string ranking,
        bool explore)
    {
        var request = new JsonObject
        {
            ["intent"] = intent, ["limit"] = 5, ["min_confidence"] = 0.0, ["ranking"] = ranking,
            ["filters"] = new JsonObject { ["tags"] = new JsonArray(tag) },
        };
        if (task.Context is not null) request["context"] = task.Context;
        if (explore) request["explore"] = true;
        var response = await SendAsync(http => http.PostAsJsonAsync("/api/v1/patterns/match", request));
        var top = response["matched_patterns"]!.AsArray().FirstOrDefault()?["pattern_id"]?.GetValue<string>();
        return (Guid.Parse(response["match_id"]!.GetValue<string>()),
            top is not null && _keys.TryGetValue(Guid.Parse(top), out var key) ? key : null);
    }

    public async Task ReportAsync(string patternKey, bool success, Guid? matchId)
    {
        var outcome = new JsonObject { ["success"] = success };
        if (matchId is { } id) outcome["match_id"] = id.ToString();
        await SendAsync(http => http.PostAsJsonAsync($"/api/v1/patterns/{_ids[patternKey]}/outcomes", outcome));
    }

    private async Task<JsonObject> SendAsync(Func<HttpClient, Task<HttpResponseMessage>> send)
    {
        using var response = await send(_http);
        var body = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
            throw new HttpRequestException($"{response.RequestMessage?.RequestUri} answered {(int)response.StatusCode}: {body}");
        return JsonNode.Parse(body)!.AsObject();
    }

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        await _api.DisposeAsync();
        if (_worker is not null) await _worker.DisposeAsync();
        await _run.DropAsync();
    }
}
