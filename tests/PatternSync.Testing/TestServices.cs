using System.Diagnostics;

namespace PatternSync.Testing;

/// <summary>
/// Where the services that ops/services.sh started listen: the same PATTERNSYNC_* variables and
/// defaults as the script, so `ops/services.sh start && dotnet test` needs nothing else.
/// </summary>
public static class TestServices
{
    public static int PostgresPort => Port("PATTERNSYNC_PG_PORT", 55432);
    public static int RabbitMqPort => Port("PATTERNSYNC_RABBITMQ_PORT", 55672);

    public static string PostgresConnectionString(string database) =>
        $"Host=127.0.0.1;Port={PostgresPort};Username=postgres;Database={database};Include Error Detail=true";

    public static string RepositoryRoot
    {
        get
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "PatternSync.sln"))) dir = dir.Parent;
            return dir?.FullName ?? throw new InvalidOperationException("The repository root (PatternSync.sln) was not found.");
        }
    }

    /// <summary>Runs ops/services.sh with this command (e.g. "stop-rabbitmq"), failing when the script does.</summary>
    public static async Task RunScriptAsync(string command)
    {
        var script = Path.Combine(RepositoryRoot, "ops", "services.sh");
        var start = new ProcessStartInfo(script, command) { RedirectStandardError = true, RedirectStandardOutput = true };
        using var process = Process.Start(start)!;
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"ops/services.sh {command} failed: {await process.StandardError.ReadToEndAsync()}");
    }

    private static int Port(string variable, int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable(variable), out var port) ? port : fallback;
}
