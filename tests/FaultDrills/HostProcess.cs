using System.Diagnostics;
using PatternSync.Testing;

namespace FaultDrills;

/// <summary>The API or the worker as a real process, from its build output, killable with SIGKILL.</summary>
public sealed class HostProcess : IAsyncDisposable
{
    private readonly Process _process;

    private HostProcess(Process process, int port) => (_process, Port) = (process, port);

    public int Port { get; }
    public string Url => $"http://127.0.0.1:{Port}";
    public bool Exited => _process.HasExited;

    public static HostProcess Start(string project, int port, IReadOnlyDictionary<string, string> settings)
    {
        var configuration = AppContext.BaseDirectory.Contains("/Release/") ? "Release" : "Debug";
        var projectDir = Path.Combine(TestServices.RepositoryRoot, "src", project);
        var dll = Path.Combine(projectDir, "bin", configuration, "net10.0", $"PatternSync.{project}.dll");
        var start = new ProcessStartInfo("dotnet", [dll, "--urls", $"http://127.0.0.1:{port}"]) { RedirectStandardOutput = true, RedirectStandardError = true };
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["ASPNETCORE_CONTENTROOT"] = projectDir;
        start.Environment["Serilog__MinimumLevel__Default"] = "Warning";
        foreach (var (key, value) in settings) start.Environment[key.Replace(":", "__")] = value;
        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return new HostProcess(process, port);
    }

    public async Task WaitLiveAsync()
    {
        using var http = new HttpClient();
        await Eventually.UntilAsync(async () => (await http.GetAsync($"{Url}/health/live")).IsSuccessStatusCode, TimeSpan.FromSeconds(60), $"{Url} to start");
    }

    /// <summary>SIGKILL: no shutdown, no flush, in-flight work lost as a crash loses it.</summary>
    public async Task KillAsync()
    {
        if (_process.HasExited) return;
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _process.Dispose();
    }
}
