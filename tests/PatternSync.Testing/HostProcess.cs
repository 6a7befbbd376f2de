using System.Diagnostics;

namespace PatternSync.Testing;

/// <summary>A host of the solution (API or worker) as a real process from its build output, killable with SIGKILL.</summary>
public sealed class HostProcess : IAsyncDisposable
{
    private readonly Process _process;
    private int _disposed;

    private HostProcess(Process process, string url) => (_process, Url) = (process, url);

    public string Url { get; }
    public int Port => new Uri(Url).Port;
    public bool Exited => _process.HasExited;

    /// <summary>
    /// Runs the host's build of the caller's own configuration (a Release caller runs Release hosts); the settings
    /// become environment variables, and the host's output goes to <paramref name="output"/>, or nowhere.
    /// </summary>
    public static HostProcess Start(string project, string url, IReadOnlyDictionary<string, string> settings, Action<string>? output = null)
    {
        var configuration = AppContext.BaseDirectory.Contains("/Release/") ? "Release" : "Debug";
        var projectDir = Path.Combine(TestServices.RepositoryRoot, "src", project);
        var dll = Path.Combine(projectDir, "bin", configuration, "net10.0", $"PatternSync.{project}.dll");
        if (!File.Exists(dll)) throw new InvalidOperationException($"{dll} is missing: run `dotnet build -c {configuration}` first.");
        var start = new ProcessStartInfo("dotnet", [dll, "--urls", url])
        {
            RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = Path.GetDirectoryName(dll)!,
        };
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["ASPNETCORE_CONTENTROOT"] = projectDir;
        start.Environment["Serilog__MinimumLevel__Default"] = "Warning";
        foreach (var (key, value) in settings) start.Environment[key.Replace(":", "__")] = value;
        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) output?.Invoke(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) output?.Invoke(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return new HostProcess(process, url);
    }

    public Task WaitLiveAsync() => WaitForAsync("/health/live", TimeSpan.FromSeconds(60));

    public Task WaitReadyAsync(TimeSpan timeout) => WaitForAsync("/health/ready", timeout);

    private async Task WaitForAsync(string probe, TimeSpan timeout)
    {
        using var http = new HttpClient();
        await Eventually.UntilAsync(async () => (await http.GetAsync(Url + probe)).IsSuccessStatusCode, timeout, $"{Url}{probe}");
    }

    /// <summary>SIGKILL: no shutdown, no flush, in-flight work lost as a crash loses it.</summary>
    public async Task KillAsync()
    {
        if (_process.HasExited) return;
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
    }

    /// <summary>Kills the host; a second call does nothing (benchmarks stop a host early, then leave its scope).</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
        await KillAsync();
        _process.Dispose();
    }
}
