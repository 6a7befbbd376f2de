using Qdrant.Client.Grpc;

namespace QdrantStandIn.Store;

/// <summary>
/// One point as held by the stand-in. The vector array is never mutated after it is stored
/// (updates replace it), so readers may hand it out without copying.
/// </summary>
internal sealed class StoredPoint(PointKey id, float[] vector, Struct payload, ulong version)
{
    public PointKey Id { get; } = id;

    public float[] Vector { get; set; } = vector;

    public Struct Payload { get; set; } = payload;

    /// <summary>Operation id of the last write that touched the point, as Qdrant reports it.</summary>
    public ulong Version { get; set; } = version;
}
