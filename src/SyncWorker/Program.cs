using PatternSync.Core.Hosting;
using PatternSync.Core.Persistence;
using PatternSync.SyncWorker.Extensions;
using PatternSync.SyncWorker.Rebuild;

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

await app.Services.MigrateIfConfiguredAsync();
app.UseServiceDefaults();
app.Run();
