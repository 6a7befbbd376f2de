using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using PatternSync.Core.VectorIndex.Postgres;
using PatternSync.Core.VectorIndex.Qdrant;

namespace PatternSync.Core.VectorIndex;

public static class VectorIndexExtensions
{
    public const string Qdrant = "Qdrant";
    public const string Postgres = "Postgres";

    /// <summary>
    /// Registers the <see cref="IPatternVectorIndex"/> that <c>VectorIndex:Provider</c> names, and how it is rebuilt
    /// (<see cref="IPatternIndexRebuilds"/>): "Postgres" (the embedded default, vectors in PostgreSQL) or "Qdrant"
    /// (docker compose, production).
    /// </summary>
    public static IHostApplicationBuilder AddPatternVectorIndex(this IHostApplicationBuilder builder)
    {
        var provider = builder.Configuration["VectorIndex:Provider"] ?? Postgres;
        builder.Services.AddSingleton<IndexModelTarget>();
        if (provider.Equals(Qdrant, StringComparison.OrdinalIgnoreCase)) return builder.AddQdrantPatternIndex();
        if (!provider.Equals(Postgres, StringComparison.OrdinalIgnoreCase))
            throw new InvalidOperationException($"VectorIndex:Provider is '{provider}'; use '{Postgres}' or '{Qdrant}'.");
        builder.Services.AddSingleton<IPatternVectorIndex, PostgresPatternIndex>();
        builder.Services.AddSingleton<IPatternIndexRebuilds, PostgresIndexRebuilds>();
        return builder;
    }
}
