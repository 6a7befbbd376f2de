using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using PatternSync.ServiceDefaults;
using PatternSync.Core.Persistence;
using PatternSync.Testing;
using Serilog.Core;

namespace PatternApi.FunctionalTests;

/// <summary>`migrate` (the deploy step) on a database that does not exist yet, then again.</summary>
public sealed class MigrateCommandTests : IAsyncLifetime
{
    private readonly TestDatabase _database = TestDatabase.NotCreatedYet("migrate");

    [Fact]
    public async Task Migrate_creates_the_database_applies_every_migration_without_an_error_line_then_finds_nothing_to_do()
    {
        var first = new CapturedLogs();
        List<string> migrations;
        using (var host = Host(first))
        {
            await host.Services.MigratePatternDatabaseAsync();
            await using var scope = host.Services.CreateAsyncScope();
            migrations = scope.ServiceProvider.GetRequiredService<PatternDbContext>().Database.GetMigrations().ToList();
        }
        Assert.Contains($"Created database {_database.Name}", first.Text);
        Assert.Contains($"Applied {migrations.Count} migrations: {string.Join(", ", migrations)}", first.Text);
        Assert.DoesNotContain("ERR ", first.Text);
        Assert.Equal(0L, await _database.CountAsync("success_patterns"));

        var second = new CapturedLogs();
        using (var host = Host(second))
            await host.Services.MigratePatternDatabaseAsync();
        Assert.Contains($"The schema is up to date (migration {migrations[^1]})", second.Text);
        Assert.DoesNotContain("Created database", second.Text);
        Assert.DoesNotContain("ERR ", second.Text);
    }

    private IHost Host(ILogEventSink logs)
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder();
        builder.Configuration["ConnectionStrings:Patterns"] = _database.ConnectionString;
        builder.AddServiceDefaults();
        builder.AddPatternDatabase();
        builder.Services.AddSingleton(logs);
        return builder.Build();
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => _database.DisposeAsync().AsTask();
}
