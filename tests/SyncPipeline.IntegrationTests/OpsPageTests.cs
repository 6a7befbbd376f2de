using System.Diagnostics;
using System.Net.Http.Json;
using PatternSync.Testing;

namespace SyncPipeline.IntegrationTests;

/// <summary>
/// The /ops status page in headless Chromium (Debian's chromium package; .ci/run installs it), against the API on a real port.
/// </summary>
[Collection(PostgresPipeline.Name)]
public sealed class OpsPageTests(PostgresPipelineFixture pipeline)
{
    private const string Chromium = "/usr/bin/chromium";

    [Fact]
    public async Task The_status_page_shows_live_figures_and_reports_during_a_write_burst()
    {
        Assert.True(File.Exists(Chromium), $"{Chromium} is missing: install Debian's chromium package (.ci/run does).");
        await using var api = new ApiHost(pipeline);
        api.UseKestrel(0);
        api.StartServer();
        var client = api.CreateClient();
        var url = new Uri(client.BaseAddress!, "/ops").ToString();

        var ids = new List<Guid>();
        for (var i = 0; i < 30; i++) ids.Add(await PipelineFixture.CreatePatternStaticAsync(client, $"Ops page burst {i}"));
        await client.PostAsync("/api/v1/sync/reconcile", JsonContent.Create(new { }));
        await Eventually.UntilAsync(async () => (await client.GetStringAsync("/api/v1/sync/reconciliations?limit=1")) is var latest
                && latest.Contains("\"trigger\":\"request\"") && latest.Contains("\"status\":\"succeeded\""),
            PipelineFixture.Settle, "a finished reconciliation report");

        var dom = await RunChromiumAsync("--dump-dom", url);
        Assert.Contains("data-ready=\"true\"", dom);
        Assert.Contains("PatternSync · operations", dom);
        Assert.Contains("<polyline", dom);
        Assert.Matches(@"id=""points"">\d+ / \d+<", dom);
        Assert.Contains("request / succeeded", dom);
        Assert.Contains("<th>In flight</th>", dom);

        var screenshot = Path.Combine(TestServices.RepositoryRoot, "TestResults", "ops-page.png");
        Directory.CreateDirectory(Path.GetDirectoryName(screenshot)!);
        File.Delete(screenshot);
        await RunChromiumAsync($"--screenshot={screenshot}", "--window-size=1280,900", url);
        var png = await File.ReadAllBytesAsync(screenshot);
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], png[..4]);
        // A blank 1280x900 page compresses to a few kilobytes; tiles, charts and a table do not.
        Assert.True(png.Length > 30_000, $"the screenshot is {png.Length} bytes: nothing rendered?");
        pipeline.Report($"Status page screenshot: {screenshot} ({png.Length} bytes)");
    }

    private static async Task<string> RunChromiumAsync(params string[] args)
    {
        var profile = Directory.CreateTempSubdirectory("chromium-");
        var start = new ProcessStartInfo(Chromium)
        {
            RedirectStandardOutput = true, RedirectStandardError = true,
        };
        foreach (var flag in new[] { "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                     "--disable-background-networking", "--disable-component-update", "--disable-sync",
                     $"--user-data-dir={profile.FullName}", "--virtual-time-budget=8000" }.Concat(args))
            start.ArgumentList.Add(flag);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        _ = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        profile.Delete(recursive: true);
        return await output;
    }
}
