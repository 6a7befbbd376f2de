using PatternSync.Core.Hosting;
using PatternSync.Core.Persistence;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddPatternStore();
var app = builder.Build();

app.UseServiceDefaults();
app.Run();
