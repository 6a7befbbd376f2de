using PatternSync.Testing;

namespace PatternSync.Bench;

/// <summary>
/// CPU time (user + system, from /proc/&lt;pid&gt;/stat) of the processes a pipeline run uses, so a benchmark can say what
/// share of the machine each took over a span. The API and the worker are found by their command lines; PostgreSQL and
/// RabbitMQ by the PID files in the data directory ops/services.sh uses (PATTERNSYNC_DATA_DIR, or the repository's .data).
/// PostgreSQL counts only the backends of the run's own database, as the server and its background processes are shared.
/// </summary>
internal sealed class ProcessCpu
{
    private const double TicksPerSecond = 100; // USER_HZ, the unit of /proc/<pid>/stat's times on Linux
    private readonly IReadOnlyList<(string Name, Func<long> Ticks)> _parts;

    private ProcessCpu(IReadOnlyList<(string Name, Func<long> Ticks)> parts) => _parts = parts;

    /// <summary>The parts, then everything else the machine ran (other users' builds and tests on a shared machine).</summary>
    public IEnumerable<string> Names => _parts.Select(p => p.Name).Append("other processes");

    /// <summary>The API and worker hosts listening on these URLs, and the shared services, for the run's database.</summary>
    public static ProcessCpu Find(string apiUrl, string workerUrl, string database)
    {
        var data = Environment.GetEnvironmentVariable("PATTERNSYNC_DATA_DIR") is { Length: > 0 } dir
            ? dir : Path.Combine(TestServices.RepositoryRoot, ".data");
        var postmaster = PidFromFile(Path.Combine(data, "postgres", "data", "postmaster.pid"));
        var broker = PidFromFile(Path.Combine(data, "rabbitmq", "rabbitmq.pid"));
        var worker = HostPid("SyncWorker", workerUrl);
        var api = HostPid("PatternApi", apiUrl);
        return new ProcessCpu(
        [
            ("worker", () => Ticks(worker)),
            ("API", () => Ticks(api)),
            ("PostgreSQL", () => Backends(postmaster, database).Sum(Ticks)),
            ("RabbitMQ", () => Ticks(broker)),
        ]);
    }

    /// <summary>Each part's ticks, then the machine's busy ticks over all cores.</summary>
    public long[] Snapshot() => _parts.Select(p => p.Ticks()).Append(MachineBusyTicks()).ToArray();

    /// <summary>Each part's share of all cores between two snapshots <paramref name="seconds"/> apart, then the rest's.</summary>
    public static double[] Shares(long[] before, long[] after, double seconds)
    {
        var shares = before.Select((b, i) => (after[i] - b) / TicksPerSecond / seconds / Environment.ProcessorCount).ToArray();
        shares[^1] -= shares[..^1].Sum();
        return shares;
    }

    private static int PidFromFile(string file) =>
        File.Exists(file) ? int.Parse(File.ReadLines(file).First().Trim())
            : throw new InvalidOperationException($"{file} is missing: set PATTERNSYNC_DATA_DIR to the services' data directory.");

    private static int HostPid(string project, string url)
    {
        var pid = Pids().FirstOrDefault(p =>
        {
            var line = CommandLine(p);
            return line.Contains($"PatternSync.{project}.dll") && line.Contains($"--urls {url}");
        });
        return pid > 0 ? pid : throw new InvalidOperationException($"no {project} process listening on {url}");
    }

    private static IEnumerable<int> Backends(int postmaster, string database) =>
        Pids().Where(pid => Stat(pid) is { Length: > 1 } stat && stat[1] == postmaster.ToString()
            && CommandLine(pid).StartsWith($"postgres: postgres {database} ", StringComparison.Ordinal));

    private static IEnumerable<int> Pids() =>
        Directory.EnumerateDirectories("/proc").Select(Path.GetFileName).Select(name => int.TryParse(name, out var pid) ? pid : 0)
            .Where(pid => pid > 0);

    /// <summary>All the time the cores were not idle or waiting for I/O, from the first line of /proc/stat.</summary>
    private static long MachineBusyTicks()
    {
        var fields = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries)[1..].Select(long.Parse)
            .ToArray();
        return fields.Take(8).Sum() - fields[3] - fields[4]; // user nice system idle iowait irq softirq steal
    }

    /// <summary>utime + stime of a live process, 0 once it is gone.</summary>
    private static long Ticks(int pid) => Stat(pid) is { Length: > 12 } stat ? long.Parse(stat[11]) + long.Parse(stat[12]) : 0;

    /// <summary>The fields of /proc/&lt;pid&gt;/stat after the command name (state first), or none once the process is gone.</summary>
    private static string[] Stat(int pid)
    {
        try
        {
            var text = File.ReadAllText($"/proc/{pid}/stat");
            return text[(text.LastIndexOf(')') + 2)..].Split(' ');
        }
        catch (IOException) { return []; }
        catch (UnauthorizedAccessException) { return []; }
    }

    private static string CommandLine(int pid)
    {
        try { return File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' '); }
        catch (IOException) { return ""; }
        catch (UnauthorizedAccessException) { return ""; }
    }
}
