using System.Diagnostics;

namespace PatternSync.Bench;

/// <summary>A host of the solution (API or worker) run as a real process from its Release build.</summary>
internal sealed class ServiceProcess : IAsyncDisposable
{
    private readonly Process _process;
    private bool _disposed;

    private ServiceProcess(Process process) => _process = process;

    public static ServiceProcess Start(string project, string url, IReadOnlyDictionary<string, string> settings)
    {
        var dll = Path.Combine(BenchResults.RepositoryRoot, "src", project, "bin", "Release", "net10.0", $"PatternSync.{project}.dll");
        if (!File.Exists(dll)) throw new InvalidOperationException($"{dll} is missing: run `dotnet build -c Release` first.");
        var start = new ProcessStartInfo("dotnet", [dll, "--urls", url, "--contentRoot", Path.Combine(BenchResults.RepositoryRoot, "src", project)])
        {
            RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = Path.GetDirectoryName(dll)!,
        };
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["Serilog__MinimumLevel__Default"] = "Warning";
        start.Environment["Auth__RequireApiKeys"] = "false"; // a local measurement, not a deployment
        foreach (var (key, value) in settings) start.Environment[key.Replace(":", "__")] = value;
        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) Console.Error.WriteLine($"  [{project}] {e.Data}"); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) Console.Error.WriteLine($"  [{project}] {e.Data}"); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return new ServiceProcess(process);
    }

    public static async Task WaitReadyAsync(string url, TimeSpan timeout)
    {
        using var http = new HttpClient();
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                if ((await http.GetAsync($"{url}/health/ready")).IsSuccessStatusCode) return;
            }
            catch (HttpRequestException) { }
            await Task.Delay(200);
        }
        throw new TimeoutException($"{url} did not become ready");
    }

    public async ValueTask DisposeAsync()
    {
        if (_disposed) return;
        _disposed = true;
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }
}
