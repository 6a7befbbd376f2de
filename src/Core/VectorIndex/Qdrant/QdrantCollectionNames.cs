using System.Globalization;
using System.Text.RegularExpressions;
using PatternSync.Core.Embeddings;

namespace PatternSync.Core.VectorIndex.Qdrant;

/// <summary>
/// Collections are named <c>{alias}-{model}-{dimensions}-{created}</c>, e.g.
/// <c>pattern_embeddings-all-minilm-l6-v2-384-20261126204500123</c>: ops can read what a collection holds,
/// and start-up can refuse one made by another model.
/// </summary>
public static partial class QdrantCollectionNames
{
    public static string For(string alias, EmbeddingModel model, DateTimeOffset createdAt) =>
        $"{alias}-{Slug(model.Name)}-{model.Dimensions}-{Stamp(createdAt)}";

    private static string Stamp(DateTimeOffset createdAt) =>
        createdAt.UtcDateTime.ToString("yyyyMMddHHmmssfff", CultureInfo.InvariantCulture);

    /// <summary>The model slug a collection name carries, or null for a name not made by <see cref="For"/>.</summary>
    public static string? ModelOf(string collection, string alias)
    {
        if (!collection.StartsWith(alias + "-", StringComparison.Ordinal)) return null;
        var match = NameTail().Match(collection[(alias.Length + 1)..]);
        return match.Success ? match.Groups["model"].Value : null;
    }

    public static string Slug(string modelName) => NonSlug().Replace(modelName.ToLowerInvariant(), "-").Trim('-');

    [GeneratedRegex(@"^(?<model>.+)-(?<dims>[0-9]+)-(?<created>[0-9]{17})\z")]
    private static partial Regex NameTail();

    [GeneratedRegex("[^a-z0-9]+")]
    private static partial Regex NonSlug();
}
