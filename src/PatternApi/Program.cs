using Microsoft.Extensions.Options;
using PatternSync.Core.Hosting;
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
if (app.Services.GetRequiredService<IOptions<DatabaseOptions>>().Value.MigrateOnStart)
    await app.Services.MigratePatternStoreAsync();

app.UseServiceDefaults();
app.MapOpenApi();
app.MapScalarApiReference("/reference");
app.MapPatternsApi();
app.Run();

public partial class Program;
