using System.ComponentModel.DataAnnotations;

namespace PatternSync.Core.VectorIndex.Qdrant;

/// <summary>
/// Section "Qdrant". The defaults are the seed's collection settings; its "Out of memory" advice
/// (quantization, payload on disk, smaller m) is a change here, not in code.
/// </summary>
public sealed class QdrantOptions
{
    /// <summary>Qdrant's gRPC endpoint, e.g. http://127.0.0.1:6334.</summary>
    [Required]
    public Uri Url { get; set; } = new("http://127.0.0.1:6334");
    public string? ApiKey { get; set; }
    /// <summary>The alias every reader and writer uses; the collection behind it changes on a rebuild (once "Qdrant:Collection").</summary>
    [Required, RegularExpression("^[a-zA-Z0-9_-]{1,200}$")]
    public string Alias { get; set; } = "pattern_embeddings";
    [Range(1, 600)]
    public int TimeoutSeconds { get; set; } = 30;

    public HnswSettings Hnsw { get; set; } = new();
    public bool OnDiskPayload { get; set; } = true;
    /// <summary>Keep the original vectors on disk (the quantized ones stay in RAM with AlwaysRam).</summary>
    public bool VectorsOnDisk { get; set; }
    public QuantizationSettings Quantization { get; set; } = new();
    [Range(1, 1024)]
    public uint ShardNumber { get; set; } = 1;
    [Range(1, 16)]
    public uint ReplicationFactor { get; set; } = 1;

    public sealed class HnswSettings
    {
        [Range(0, 128)]
        public ulong M { get; set; } = 16;
        [Range(4, 4096)]
        public ulong EfConstruct { get; set; } = 100;
    }

    public sealed class QuantizationSettings
    {
        /// <summary>int8 scalar quantization.</summary>
        public bool Enabled { get; set; } = true;
        [Range(0.5, 1.0)]
        public float Quantile { get; set; } = 0.99f;
        public bool AlwaysRam { get; set; } = true;
    }
}
