using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace PatternSync.Core.Persistence;

public static class PatternDatabaseExtensions
{
    /// <summary>The connection string's name: <c>ConnectionStrings:Patterns</c>.</summary>
    public const string ConnectionStringName = "Patterns";

    /// <summary>Registers the PostgreSQL data source and a pooled <see cref="PatternDbContext"/> (patterns, outbox, keys, index).</summary>
    public static IHostApplicationBuilder AddPatternDatabase(this IHostApplicationBuilder builder)
    {
        var connectionString = builder.Configuration.GetConnectionString(ConnectionStringName)
            ?? throw new InvalidOperationException($"ConnectionStrings:{ConnectionStringName} is not configured.");
        var dataSource = new NpgsqlDataSourceBuilder(connectionString).EnableDynamicJson().Build();
        builder.Services.AddSingleton(dataSource);
        builder.Services.AddOptions<DatabaseOptions>().BindConfiguration("Database");
        builder.Services.AddDbContextPool<PatternDbContext>(options => options.UsePatternDatabase(dataSource));
        return builder;
    }

    /// <summary>The one place <see cref="PatternDbContext"/>'s provider and naming convention are chosen.</summary>
    public static T UsePatternDatabase<T>(this T options, NpgsqlDataSource dataSource) where T : DbContextOptionsBuilder
    {
        options.UseNpgsql(dataSource).UseSnakeCaseNamingConvention();
        return options;
    }

    /// <inheritdoc cref="UsePatternDatabase{T}(T, NpgsqlDataSource)"/>
    public static T UsePatternDatabase<T>(this T options, string connectionString) where T : DbContextOptionsBuilder
    {
        options.UseNpgsql(connectionString).UseSnakeCaseNamingConvention();
        return options;
    }

    /// <summary>Applies pending migrations when <see cref="DatabaseOptions.MigrateOnStart"/> is set (local runs).</summary>
    public static async Task MigrateIfConfiguredAsync(this IServiceProvider services, CancellationToken cancellationToken = default)
    {
        if (services.GetRequiredService<IOptions<DatabaseOptions>>().Value.MigrateOnStart)
            await services.MigratePatternDatabaseAsync(cancellationToken);
    }

    /// <summary>Applies pending migrations, creating the database first when it does not exist.</summary>
    public static async Task MigratePatternDatabaseAsync(this IServiceProvider services, CancellationToken cancellationToken = default)
    {
        await using var scope = services.CreateAsyncScope();
        var logger = scope.ServiceProvider.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(PatternDatabaseExtensions).FullName!);
        var connectionString = scope.ServiceProvider.GetRequiredService<IConfiguration>().GetConnectionString(ConnectionStringName)!;
        if (await CreateDatabaseIfMissingAsync(connectionString, cancellationToken) is { } created)
            logger.LogInformation("Created database {Database}", created);

        var db = scope.ServiceProvider.GetRequiredService<PatternDbContext>();
        // EF looks for its history table by querying it, which logs an error on a new database (efcore#37328):
        // create it first, as EF would.
        var history = db.GetService<IHistoryRepository>();
        await db.Database.ExecuteSqlRawAsync(history.GetCreateIfNotExistsScript(), cancellationToken);
        var applied = (await history.GetAppliedMigrationsAsync(cancellationToken)).Select(m => m.MigrationId).ToHashSet();
        var pending = db.Database.GetMigrations().Where(m => !applied.Contains(m)).ToList();
        await db.Database.MigrateAsync(cancellationToken);
        if (pending.Count > 0) logger.LogInformation("Applied {Count} migrations: {Migrations}", pending.Count, string.Join(", ", pending));
        else logger.LogInformation("The schema is up to date (migration {Migration})", db.Database.GetMigrations().Last());
    }

    /// <summary>EF creates a missing database too, but only after its first connection attempt has logged an error.</summary>
    /// <returns>The database's name when this call created it.</returns>
    private static async Task<string?> CreateDatabaseIfMissingAsync(string connectionString, CancellationToken cancellationToken)
    {
        var settings = new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false };
        try
        {
            await using var probe = new NpgsqlConnection(settings.ConnectionString);
            await probe.OpenAsync(cancellationToken);
            return null;
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.InvalidCatalogName)
        {
        }
        var database = settings.Database ?? settings.Username!; // PostgreSQL's default database is the user's name
        settings.Database = "postgres";
        await using var connection = new NpgsqlConnection(settings.ConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using var create = new NpgsqlCommand($"CREATE DATABASE \"{database.Replace("\"", "\"\"")}\"", connection);
        try
        {
            await create.ExecuteNonQueryAsync(cancellationToken);
            return database;
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.DuplicateDatabase)
        {
            return null; // another instance created it first
        }
    }
}
