using Qdrant.Client.Grpc;

namespace QdrantStandIn.Tests;

internal static class TestData
{
    public static PointStruct Point(ulong id, float[] vector, Dictionary<string, Value>? payload = null) =>
        WithPayload(new PointStruct { Id = id, Vectors = vector }, payload);

    public static PointStruct Point(Guid id, float[] vector, Dictionary<string, Value>? payload = null) =>
        WithPayload(new PointStruct { Id = id, Vectors = vector }, payload);

    /// <summary>Ids of points as strings (numbers or UUIDs), for set comparisons.</summary>
    public static string Id(PointId id) =>
        id.PointIdOptionsCase == PointId.PointIdOptionsOneofCase.Num ? id.Num.ToString() : id.Uuid;

    public static float[] DenseVector(VectorsOutput vectors) => vectors.Vector.Dense.Data.ToArray();

    private static PointStruct WithPayload(PointStruct point, Dictionary<string, Value>? payload)
    {
        if (payload is not null)
        {
            point.Payload.Add(payload);
        }

        return point;
    }
}
