using MassTransit;
using PatternSync.Contracts;

namespace PatternSync.SyncWorker.Rebuild;

/// <summary>Starts a rebuild in the background: it can take minutes, longer than a message should stay unacknowledged.</summary>
public sealed partial class ReindexRequestedConsumer(
    IServiceScopeFactory scopes, IHostApplicationLifetime lifetime, ILogger<ReindexRequestedConsumer> logger)
    : IConsumer<ReindexRequested>
{
    public Task Consume(ConsumeContext<ReindexRequested> context)
    {
        _ = Task.Run(async () =>
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                await scope.ServiceProvider.GetRequiredService<IndexRebuilder>().ReindexAsync(null, lifetime.ApplicationStopping);
            }
            catch (Exception e)
            {
                LogFailed(e);
            }
        });
        return Task.CompletedTask;
    }

    [LoggerMessage(LogLevel.Error, "Index rebuild failed; the live index is unchanged")]
    private partial void LogFailed(Exception exception);
}
