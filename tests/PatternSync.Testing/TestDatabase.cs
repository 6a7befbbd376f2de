using Microsoft.EntityFrameworkCore;
using Npgsql;
using PatternSync.Core.Persistence;

namespace PatternSync.Testing;

/// <summary>
/// A database of its own for one test class, created and migrated with the project's migrations,
/// dropped at the end. Tests clean it with <see cref="ResetAsync"/> rather than sharing state.
/// </summary>
public sealed class TestDatabase : IAsyncDisposable
{
    private TestDatabase(string name) => Name = name;

    public string Name { get; }
    public string ConnectionString => TestServices.PostgresConnectionString(Name);

    public static async Task<TestDatabase> CreateAsync(string purpose)
    {
        var database = NotCreatedYet(purpose);
        await using (var admin = new NpgsqlConnection(TestServices.PostgresConnectionString("postgres")))
        {
            await admin.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{database.Name}\"", admin);
            await create.ExecuteNonQueryAsync();
        }
        await using var db = database.CreateDbContext();
        await db.Database.MigrateAsync();
        return database;
    }

    /// <summary>A name of its own for a database that does not exist yet (for what creates one); dropped at the end all the same.</summary>
    public static TestDatabase NotCreatedYet(string purpose)
    {
        var name = $"test_{purpose.ToLowerInvariant()}_{Guid.NewGuid():N}";
        return new TestDatabase(name.Length > 63 ? name[..63] : name); // PostgreSQL's identifier limit
    }

    public PatternDbContext CreateDbContext() =>
        new(new DbContextOptionsBuilder<PatternDbContext>().UsePatternDatabase(ConnectionString).Options);

    /// <summary>Empties every table the application writes.</summary>
    public Task ResetAsync() =>
        ExecuteAsync("TRUNCATE success_patterns, pattern_outcomes, match_records, outbox_messages, idempotent_requests RESTART IDENTITY");

    public async Task ExecuteAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    public async Task<long> CountAsync(string table)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"SELECT count(*) FROM {table}", connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    public async Task<long> CountUnsentAsync()
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT count(*) FROM outbox_messages WHERE sent_at IS NULL", connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await using var admin = new NpgsqlConnection(TestServices.PostgresConnectionString("postgres"));
        await admin.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{Name}\" WITH (FORCE)", admin);
        await drop.ExecuteNonQueryAsync();
    }
}
