using PatternSync.Core.Persistence;
using PatternSync.PatternApi.Confidence;
using PatternSync.PatternApi.Security;

namespace PatternSync.PatternApi;

/// <summary>The API host's one-shot commands: <c>migrate</c> (the deploy step), <c>keys ...</c> and <c>calibrate ...</c>.</summary>
public static class ApiCommands
{
    /// <returns>Whether <paramref name="args"/> named a command (it has run and set the exit code).</returns>
    public static async Task<bool> TryRunAsync(IServiceProvider services, string[] args)
    {
        switch (args)
        {
            case ["migrate", ..]:
                await services.MigratePatternDatabaseAsync();
                return true;
            case ["keys", .. var rest]:
                Environment.ExitCode = await ApiKeyCommands.RunAsync(services, rest);
                return true;
            case ["calibrate", .. var rest]:
                Environment.ExitCode = await CalibrateCommand.RunAsync(services, rest);
                return true;
            default:
                return false;
        }
    }
}
