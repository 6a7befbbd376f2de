using Microsoft.Extensions.Options;
using PatternSync.Core.Messaging;
using PatternSync.SyncWorker.Consumers;
using PatternSync.SyncWorker.Extensions;
using PatternSync.SyncWorker.Rebuild;

namespace PatternSync.SyncWorker;

/// <summary>The worker's one-shot commands: <c>reindex</c> and <c>replay-errors</c>; each runs and the process exits.</summary>
public static class WorkerCommands
{
    /// <returns>Whether <paramref name="args"/> named a command (it has run).</returns>
    public static async Task<bool> TryRunAsync(IServiceProvider services, string[] args)
    {
        switch (args)
        {
            case ["reindex", ..]:
                await ReindexAsync(services);
                return true;
            case ["replay-errors", ..]:
                await ReplayErrorsAsync(services);
                return true;
            default:
                return false;
        }
    }

    /// <summary>Rebuilds the index from PostgreSQL with the configured embedder.</summary>
    private static async Task ReindexAsync(IServiceProvider services)
    {
        await using var scope = services.CreateAsyncScope();
        var progress = new Progress<(int Done, int Total)>(p => Console.Error.Write($"\rreindex: {p.Done}/{p.Total}"));
        var written = await scope.ServiceProvider.GetRequiredService<IndexRebuilder>().ReindexAsync(progress, CancellationToken.None);
        Console.Error.WriteLine($"\nreindex: {written} patterns written; readers use the rebuilt index");
    }

    /// <summary>Moves what waits in the worker's error queues back to its queues.</summary>
    private static async Task ReplayErrorsAsync(IServiceProvider services)
    {
        var rabbit = services.GetRequiredService<IOptions<RabbitMqOptions>>().Value;
        var replayed = await ErrorQueue.ReplayAsync(rabbit, ApplicationExtensions.ReceiveQueueNames(rabbit), CancellationToken.None);
        foreach (var (queue, moved) in replayed)
            Console.Error.WriteLine($"replay-errors: {moved} messages moved from {queue}_error back to {queue}");
    }
}
