using Microsoft.Extensions.Options;
using PatternSync.Core.Messaging;
using PatternSync.Core.Persistence;
using PatternSync.SyncWorker.Consumers;
using PatternSync.SyncWorker.Extensions;
using PatternSync.SyncWorker.Rebuild;
using PatternSync.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddApplicationServices();
var app = builder.Build();

// `PatternSync.SyncWorker reindex`: rebuild the index from PostgreSQL with the configured embedder, then exit.
if (args is ["reindex", ..])
{
    await using var scope = app.Services.CreateAsyncScope();
    var progress = new Progress<(int Done, int Total)>(p => Console.Error.Write($"\rreindex: {p.Done}/{p.Total}"));
    var written = await scope.ServiceProvider.GetRequiredService<IndexRebuilder>().ReindexAsync(progress, CancellationToken.None);
    Console.Error.WriteLine($"\nreindex: {written} patterns written; readers use the rebuilt index");
    return;
}

// `PatternSync.SyncWorker replay-errors`: move what waits in the worker's error queues back to its queues, then exit.
if (args is ["replay-errors", ..])
{
    var rabbit = app.Services.GetRequiredService<IOptions<RabbitMqOptions>>().Value;
    var replayed = await ErrorQueue.ReplayAsync(rabbit, ApplicationExtensions.ReceiveQueueNames(rabbit), CancellationToken.None);
    foreach (var (queue, moved) in replayed)
        Console.Error.WriteLine($"replay-errors: {moved} messages moved from {queue}_error back to {queue}");
    return;
}

await app.Services.MigrateIfConfiguredAsync();
app.UseServiceDefaults();
app.Run();

/// <summary>The worker's entry point: the marker its test host starts from.</summary>
public partial class Program;
