using PatternSync.Core.Persistence;
using PatternSync.PatternApi;
using PatternSync.PatternApi.Apis;
using PatternSync.PatternApi.Extensions;
using PatternSync.PatternApi.Http;
using PatternSync.PatternApi.Mcp;
using PatternSync.PatternApi.Security;
using PatternSync.ServiceDefaults;
using Scalar.AspNetCore;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddApplicationServices();
var app = builder.Build();

if (await ApiCommands.TryRunAsync(app.Services, args)) return;

await app.Services.MigrateIfConfiguredAsync();

var probes = app.UseServiceDefaults();
app.MapOpenApi();
app.UseStaticFiles();
app.UseBodyLimit();
app.UseApiSecurity(probes);
app.MapGet("/ops", () => Results.Redirect("/ops/index.html")).ExcludeFromDescription();
app.MapScalarApiReference("/reference");
var api = app.MapGroup("").ProducesCommonProblems();
api.MapMatchApi();
api.MapSyncApi();
api.MapOutcomesApi();
api.MapPatternsApi();
app.MapPatternMcp();
app.Run();
