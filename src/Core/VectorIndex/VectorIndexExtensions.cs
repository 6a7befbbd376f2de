using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using PatternSync.Core.VectorIndex.Postgres;
using PatternSync.Core.VectorIndex.Qdrant;

namespace PatternSync.Core.VectorIndex;

public enum VectorIndexProvider
{
    /// <summary>The embedded index: vectors in PostgreSQL.</summary>
    Postgres,
    /// <summary>Qdrant (docker compose, production).</summary>
    Qdrant,
}

/// <summary>Section "VectorIndex".</summary>
public sealed class VectorIndexOptions
{
    /// <summary>Which index holds the vectors; a value outside the list fails the start naming this key.</summary>
    [EnumDataType(typeof(VectorIndexProvider))]
    public VectorIndexProvider Provider { get; set; } = VectorIndexProvider.Postgres;
}

public static class VectorIndexExtensions
{
    /// <summary>
    /// Registers the <see cref="IPatternVectorIndex"/> that <see cref="VectorIndexOptions.Provider"/> names, and how it is
    /// rebuilt (<see cref="IPatternIndexRebuilds"/>); each provider's parts are registered under its key.
    /// </summary>
    public static IHostApplicationBuilder AddPatternVectorIndex(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<VectorIndexOptions>().BindConfiguration("VectorIndex").ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<IndexModelTarget>();
        builder.AddQdrantPatternIndex();
        builder.Services.AddKeyedSingleton<IPatternVectorIndex, PostgresPatternIndex>(VectorIndexProvider.Postgres);
        builder.Services.AddKeyedSingleton<IPatternIndexRebuilds, PostgresIndexRebuilds>(VectorIndexProvider.Postgres);
        builder.Services.AddSingleton(services => services.GetRequiredKeyedService<IPatternVectorIndex>(Provider(services)));
        builder.Services.AddSingleton(services => services.GetRequiredKeyedService<IPatternIndexRebuilds>(Provider(services)));
        return builder;
    }

    private static VectorIndexProvider Provider(IServiceProvider services) =>
        services.GetRequiredService<IOptions<VectorIndexOptions>>().Value.Provider;
}
