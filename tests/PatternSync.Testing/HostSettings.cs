using Microsoft.AspNetCore.Hosting;

namespace PatternSync.Testing;

/// <summary>
/// The settings that point a host at the test services, spelled once as configuration keys: an in-process host
/// takes them through <see cref="UseSettings"/>, a <see cref="HostProcess"/> as environment variables.
/// </summary>
public static class HostSettings
{
    /// <summary>A database, and an entity prefix of its own on the broker (the services script's unless given).</summary>
    public static Dictionary<string, string> Services(string connectionString, string entityPrefix, string? rabbitMqHost = null,
        int? rabbitMqPort = null)
    {
        var settings = new Dictionary<string, string>
        {
            ["ConnectionStrings:Patterns"] = connectionString,
            ["RabbitMq:Port"] = (rabbitMqPort ?? TestServices.RabbitMqPort).ToString(),
            ["RabbitMq:EntityPrefix"] = entityPrefix,
        };
        if (rabbitMqHost is not null) settings["RabbitMq:Host"] = rabbitMqHost;
        return settings;
    }

    /// <summary>The vector index: "Postgres" (embedded) or "Qdrant"; a Qdrant URL and alias when given.</summary>
    public static Dictionary<string, string> WithIndex(this Dictionary<string, string> settings, string provider, Uri? qdrantUrl = null,
        string? alias = null)
    {
        settings["VectorIndex:Provider"] = provider;
        if (qdrantUrl is not null) settings["Qdrant:Url"] = qdrantUrl.ToString();
        if (alias is not null) settings["Qdrant:Alias"] = alias;
        return settings;
    }

    /// <summary>Adds these settings, replacing any of the same key.</summary>
    public static Dictionary<string, string> With(this Dictionary<string, string> settings, IEnumerable<KeyValuePair<string, string>> more)
    {
        foreach (var (key, value) in more) settings[key] = value;
        return settings;
    }

    public static IWebHostBuilder UseSettings(this IWebHostBuilder builder, IReadOnlyDictionary<string, string> settings)
    {
        foreach (var (key, value) in settings) builder.UseSetting(key, value);
        return builder;
    }
}
