using Qdrant.Client;
using Qdrant.Client.Grpc;

namespace PatternSync.Core.VectorIndex.Qdrant;

/// <summary>The version-guarded upsert every write of points uses: the sync's, into each collection it writes, and a backfill's.</summary>
internal static class QdrantUpserts
{
    public static async Task UpsertNewerAsync(this QdrantClient client, IEnumerable<string> collections,
        IReadOnlyCollection<PatternPoint> points, bool replaceSameVersion, CancellationToken cancellationToken)
    {
        if (points.Count == 0) return;
        var structs = points.Select(ToPointStruct).ToList();
        var guard = QdrantFilters.NewerThanIndexed(points.Select(p => (p.Id, p.Payload.Version)), replaceSameVersion);
        foreach (var collection in collections)
            await client.UpsertAsync(collection, structs, guard, wait: true, cancellationToken: cancellationToken);
    }

    private static PointStruct ToPointStruct(PatternPoint point) => new()
    {
        Id = point.Id,
        Vectors = point.Vector.ToArray(),
        Payload = { QdrantPayloads.ToValues(point.Payload) },
    };
}
