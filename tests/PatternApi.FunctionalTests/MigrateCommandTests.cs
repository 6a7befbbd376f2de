using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;
using PatternSync.Core.Hosting;
using PatternSync.Core.Persistence;
using PatternSync.Testing;
using Serilog.Core;

namespace PatternApi.FunctionalTests;

/// <summary>`migrate` (the deploy step) on a database that does not exist yet, then again.</summary>
public sealed class MigrateCommandTests : IAsyncLifetime
{
    private readonly string _database = $"test_migrate_{Guid.NewGuid():N}";

    [Fact]
    public async Task Migrate_creates_the_database_applies_every_migration_without_an_error_line_then_finds_nothing_to_do()
    {
        var first = new CapturedLogs();
        List<string> migrations;
        using (var host = Host(first))
        {
            await host.Services.MigratePatternStoreAsync();
            await using var scope = host.Services.CreateAsyncScope();
            migrations = scope.ServiceProvider.GetRequiredService<PatternDbContext>().Database.GetMigrations().ToList();
        }
        Assert.Contains($"Created database {_database}", first.Text);
        Assert.Contains($"Applied {migrations.Count} migrations: {string.Join(", ", migrations)}", first.Text);
        Assert.DoesNotContain("ERR ", first.Text);
        Assert.Equal(0L, await CountAsync("success_patterns"));

        var second = new CapturedLogs();
        using (var host = Host(second))
            await host.Services.MigratePatternStoreAsync();
        Assert.Contains($"The schema is up to date (migration {migrations[^1]})", second.Text);
        Assert.DoesNotContain("Created database", second.Text);
        Assert.DoesNotContain("ERR ", second.Text);
    }

    private IHost Host(ILogEventSink logs)
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder();
        builder.Configuration["ConnectionStrings:Patterns"] = TestServices.PostgresConnectionString(_database);
        builder.AddServiceDefaults();
        builder.AddPatternStore();
        builder.Services.AddSingleton(logs);
        return builder.Build();
    }

    private async Task<long> CountAsync(string table)
    {
        await using var connection = new NpgsqlConnection(TestServices.PostgresConnectionString(_database));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"SELECT count(*) FROM {table}", connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await using var admin = new NpgsqlConnection(TestServices.PostgresConnectionString("postgres"));
        await admin.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{_database}\" WITH (FORCE)", admin);
        await drop.ExecuteNonQueryAsync();
    }
}
