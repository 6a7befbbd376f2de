using PatternSync.Core.Hosting;
using PatternSync.Core.Observability;
using PatternSync.Core.Persistence;
using PatternSync.PatternApi.Apis;
using PatternSync.PatternApi.Extensions;
using Scalar.AspNetCore;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddApplicationServices();
var app = builder.Build();

// `PatternSync.PatternApi migrate`: apply the migrations and exit (the deploy step).
if (args is ["migrate", ..])
{
    await app.Services.MigratePatternStoreAsync();
    return;
}
await app.Services.MigrateIfConfiguredAsync();

app.UseServiceDefaults();
SyncMetrics.RegisterScrapeCallback(app.Services.GetRequiredService<Npgsql.NpgsqlDataSource>());
app.MapOpenApi();
app.UseStaticFiles();
app.MapGet("/ops", () => Results.Redirect("/ops/index.html")).ExcludeFromDescription();
app.MapScalarApiReference("/reference");
app.MapMatchApi();
app.MapSyncApi();
app.MapOutcomesApi();
app.MapPatternsApi();
app.Run();

