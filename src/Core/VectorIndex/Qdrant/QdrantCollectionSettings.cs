using Qdrant.Client.Grpc;

namespace PatternSync.Core.VectorIndex.Qdrant;

/// <summary>How every collection is made (the seed's settings, each one an option).</summary>
internal static class QdrantCollectionSettings
{
    public static CreateCollection For(string name, int dimensions, QdrantOptions options)
    {
        // The seed's settings (on_disk_payload, always_ram, on_disk) are understood by every Qdrant
        // server; the client marks them obsolete for the newer "memory" fields that only the newest servers know.
#pragma warning disable CS0612
        return new CreateCollection
        {
            CollectionName = name,
            VectorsConfig = new VectorsConfig
            {
                Params = new VectorParams { Size = (ulong)dimensions, Distance = Distance.Cosine, OnDisk = options.VectorsOnDisk },
            },
            HnswConfig = new HnswConfigDiff { M = options.Hnsw.M, EfConstruct = options.Hnsw.EfConstruct },
            OnDiskPayload = options.OnDiskPayload,
            QuantizationConfig = options.Quantization.Enabled ? Int8(options.Quantization) : null,
            ShardNumber = options.ShardNumber,
            ReplicationFactor = options.ReplicationFactor,
        };
    }

    private static QuantizationConfig Int8(QdrantOptions.QuantizationSettings quantization) => new()
    {
        Scalar = new ScalarQuantization
        {
            Type = QuantizationType.Int8, Quantile = quantization.Quantile, AlwaysRam = quantization.AlwaysRam,
        },
    };
#pragma warning restore CS0612
}
