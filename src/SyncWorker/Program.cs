using PatternSync.Core.Hosting;
using PatternSync.Core.Persistence;
using PatternSync.SyncWorker.Extensions;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddApplicationServices();
var app = builder.Build();

await app.Services.MigrateIfConfiguredAsync();
app.UseServiceDefaults();
app.Run();
