using Timestamp = Google.Protobuf.WellKnownTypes.Timestamp;
using Qdrant.Client.Grpc;

namespace QdrantStandIn.Store;

/// <summary>A collection with one unnamed dense vector, its echoed configuration and its points.</summary>
internal sealed class StandInCollection(string name, VectorParams vectors, CollectionConfig config)
{
    public string Name { get; } = name;

    public VectorParams Vectors { get; } = vectors;

    /// <summary>The configuration as GetCollectionInfo reports it (creation values merged over defaults).</summary>
    public CollectionConfig Config { get; } = config;

    public Timestamp CreatedAt { get; } = Timestamp.FromDateTime(DateTime.UtcNow);

    // Sorted so that scroll pages come out in Qdrant's id order without sorting on every call.
    public SortedDictionary<PointKey, StoredPoint> Points { get; } = new();

    public SortedDictionary<string, PayloadIndex> PayloadIndexes { get; } = new(StringComparer.Ordinal);

    public ulong Dimension => Vectors.Size;

    public Distance Distance => Vectors.Distance;
}

internal sealed record PayloadIndex(PayloadSchemaType Type, PayloadIndexParams? Params);
