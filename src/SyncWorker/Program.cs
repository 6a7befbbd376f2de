using PatternSync.Core.Persistence;
using PatternSync.ServiceDefaults;
using PatternSync.SyncWorker;
using PatternSync.SyncWorker.Extensions;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddApplicationServices();
var app = builder.Build();

if (await WorkerCommands.TryRunAsync(app.Services, args)) return;

await app.Services.MigrateIfConfiguredAsync();
app.UseServiceDefaults();
app.Run();

/// <summary>The worker's entry point: the marker its test host starts from.</summary>
public partial class Program;
