using Qdrant.Client;
using Qdrant.Client.Grpc;

namespace QdrantStandIn.Tests;

internal static class ClientExtensions
{
    /// <summary>
    /// The client marks SearchAsync obsolete in favour of QueryAsync, but the Search RPC is still part
    /// of Qdrant's API and callers still use it, so the stand-in is tested through both.
    /// </summary>
    public static Task<IReadOnlyList<ScoredPoint>> SearchDeprecatedAsync(
        this QdrantClient client, string collection, float[] vector, Filter? filter = null,
        ulong limit = 10, ulong offset = 0, float? scoreThreshold = null)
    {
#pragma warning disable CS0618
        return client.SearchAsync(collection, vector, filter, limit: limit, offset: offset, scoreThreshold: scoreThreshold);
#pragma warning restore CS0618
    }

    public static Task<IReadOnlyList<BatchResult>> SearchBatchDeprecatedAsync(
        this QdrantClient client, string collection, IReadOnlyList<SearchPoints> searches)
    {
#pragma warning disable CS0618 // See SearchDeprecatedAsync.
        return client.SearchBatchAsync(collection, searches);
#pragma warning restore CS0618
    }
}
