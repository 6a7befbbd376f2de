using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Npgsql;

namespace PatternSync.Core.Persistence;

public static class PatternStoreExtensions
{
    /// <summary>The connection string's name: <c>ConnectionStrings:Patterns</c>.</summary>
    public const string ConnectionStringName = "Patterns";

    /// <summary>Registers the PostgreSQL data source and <see cref="PatternDbContext"/> (pooled).</summary>
    public static IHostApplicationBuilder AddPatternStore(this IHostApplicationBuilder builder)
    {
        var connectionString = builder.Configuration.GetConnectionString(ConnectionStringName)
            ?? throw new InvalidOperationException($"ConnectionStrings:{ConnectionStringName} is not configured.");
        var dataSource = new NpgsqlDataSourceBuilder(connectionString).EnableDynamicJson().Build();
        builder.Services.AddSingleton(dataSource);
        builder.Services.AddOptions<DatabaseOptions>().BindConfiguration("Database");
        builder.Services.AddDbContextPool<PatternDbContext>(options => options
            .UseNpgsql(dataSource)
            .UseSnakeCaseNamingConvention());
        return builder;
    }

    /// <summary>Applies pending migrations when <see cref="DatabaseOptions.MigrateOnStart"/> is set (local runs).</summary>
    public static async Task MigrateIfConfiguredAsync(this IServiceProvider services, CancellationToken cancellationToken = default)
    {
        if (services.GetRequiredService<IOptions<DatabaseOptions>>().Value.MigrateOnStart)
            await services.MigratePatternStoreAsync(cancellationToken);
    }

    /// <summary>Applies pending migrations, creating the database first when it does not exist.</summary>
    public static async Task MigratePatternStoreAsync(this IServiceProvider services, CancellationToken cancellationToken = default)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PatternDbContext>();
        await db.Database.MigrateAsync(cancellationToken);
    }
}
