using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace PatternSync.Core.LexicalIndex;

/// <summary>Loads the lexical index once at start; a failure only means the first search loads it instead.</summary>
internal sealed partial class LexicalIndexWarmUp(PatternLexicalIndex index, ILogger<LexicalIndexWarmUp> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await index.WarmUpAsync(stoppingToken);
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException or InvalidOperationException)
        {
            LogWarmUpFailed(e);
        }
    }

    [LoggerMessage(LogLevel.Warning, "Could not load the lexical index at start; the first match will load it")]
    private partial void LogWarmUpFailed(Exception exception);
}
