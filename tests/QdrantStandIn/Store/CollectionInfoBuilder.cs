using Qdrant.Client.Grpc;
using QdrantStandIn.Semantics;

namespace QdrantStandIn.Store;

/// <summary>Builds GetCollectionInfo's answer: one always-green, fully indexed segment.</summary>
internal static class CollectionInfoBuilder
{
    public static CollectionInfo Build(StandInCollection collection)
    {
        var pointCount = (ulong)collection.Points.Count;
        var info = new CollectionInfo
        {
            Status = CollectionStatus.Green,
            OptimizerStatus = new OptimizerStatus { Ok = true },
            SegmentsCount = 1,
            PointsCount = pointCount,
            IndexedVectorsCount = pointCount,
            Config = collection.Config.Clone(),
            CreatedAt = collection.CreatedAt.Clone(),
        };

        foreach (var (field, index) in collection.PayloadIndexes)
        {
            var schema = new PayloadSchemaInfo
            {
                DataType = index.Type,
                Points = (ulong)collection.Points.Values.Count(p => HasValue(p.Payload, field)),
            };
            if (index.Params is not null)
            {
                schema.Params = index.Params.Clone();
            }

            info.PayloadSchema[field] = schema;
        }

        return info;
    }

    // Qdrant's count is of points the index holds, i.e. those with a non-null value at the key.
    private static bool HasValue(Struct payload, string field) =>
        PayloadPath.ResolveFlat(payload, field).Any(v => v.KindCase != Value.KindOneofCase.NullValue);
}
