using Qdrant.Client.Grpc;

// on_disk_payload and the on_disk flags are deprecated in the proto in favour of storage params,
// but Qdrant.Client still sends them and callers still read them back, so they are echoed.
#pragma warning disable CS0612

namespace QdrantStandIn.Store;

/// <summary>
/// Turns CreateCollection/UpdateCollection requests into the configuration that GetCollectionInfo
/// echoes. Unset values take Qdrant's documented defaults, so the echo looks like a real server's.
/// </summary>
internal static class CollectionConfigFactory
{
    public static StandInCollection Create(CreateCollection request)
    {
        if (request.VectorsConfig?.ConfigCase != VectorsConfig.ConfigOneofCase.Params)
        {
            throw request.VectorsConfig?.ConfigCase == VectorsConfig.ConfigOneofCase.ParamsMap
                ? StandInErrors.Unsupported("named vectors (one unnamed dense vector per collection only)")
                : StandInErrors.Unsupported("collections without a dense vector");
        }

        if (request.SparseVectorsConfig is not null)
        {
            throw StandInErrors.Unsupported("sparse vectors");
        }

        var vectors = request.VectorsConfig.Params.Clone();
        if (vectors.Size == 0)
        {
            throw StandInErrors.BadInput("Validation error in body: vectors.size: value 0 invalid, must be 1 or larger");
        }

        if (vectors.Distance == Distance.UnknownDistance)
        {
            throw StandInErrors.BadInput("Unknown distance");
        }

        var hnsw = DefaultHnsw();
        if (request.HnswConfig is not null)
        {
            hnsw.MergeFrom(request.HnswConfig);
        }

        var optimizers = DefaultOptimizers();
        if (request.OptimizersConfig is not null)
        {
            optimizers.MergeFrom(request.OptimizersConfig);
        }

        var wal = new WalConfigDiff { WalCapacityMb = 32, WalSegmentsAhead = 0 };
        if (request.WalConfig is not null)
        {
            wal.MergeFrom(request.WalConfig);
        }

        var config = new CollectionConfig
        {
            Params = new CollectionParams
            {
                ShardNumber = request.HasShardNumber ? request.ShardNumber : 1,
                ReplicationFactor = request.HasReplicationFactor ? request.ReplicationFactor : 1,
                WriteConsistencyFactor = request.HasWriteConsistencyFactor ? request.WriteConsistencyFactor : 1,
                // Qdrant's shipped configuration stores payloads on disk unless told otherwise.
                OnDiskPayload = !request.HasOnDiskPayload || request.OnDiskPayload,
                VectorsConfig = new VectorsConfig { Params = vectors },
                Payload = request.Payload?.Clone(),
                IdTracker = request.IdTracker?.Clone(),
            },
            HnswConfig = hnsw,
            OptimizerConfig = optimizers,
            WalConfig = wal,
            QuantizationConfig = request.QuantizationConfig?.Clone(),
            StrictModeConfig = request.StrictModeConfig?.Clone(),
            Metadata = { request.Metadata },
        };

        return new StandInCollection(request.CollectionName, vectors, config);
    }

    public static void Update(StandInCollection collection, UpdateCollection request)
    {
        var config = collection.Config;
        if (request.OptimizersConfig is not null)
        {
            config.OptimizerConfig.MergeFrom(request.OptimizersConfig);
        }

        if (request.HnswConfig is not null)
        {
            config.HnswConfig.MergeFrom(request.HnswConfig);
        }

        if (request.Params is { } diff)
        {
            if (diff.HasOnDiskPayload)
            {
                config.Params.OnDiskPayload = diff.OnDiskPayload;
            }

            if (diff.HasReplicationFactor)
            {
                config.Params.ReplicationFactor = diff.ReplicationFactor;
            }

            if (diff.HasWriteConsistencyFactor)
            {
                config.Params.WriteConsistencyFactor = diff.WriteConsistencyFactor;
            }
        }

        if (request.QuantizationConfig is { } quantization)
        {
            config.QuantizationConfig = quantization.QuantizationCase switch
            {
                QuantizationConfigDiff.QuantizationOneofCase.Scalar => new QuantizationConfig { Scalar = quantization.Scalar },
                QuantizationConfigDiff.QuantizationOneofCase.Product => new QuantizationConfig { Product = quantization.Product },
                QuantizationConfigDiff.QuantizationOneofCase.Binary => new QuantizationConfig { Binary = quantization.Binary },
                QuantizationConfigDiff.QuantizationOneofCase.Turboquant => new QuantizationConfig { Turboquant = quantization.Turboquant },
                _ => null,
            };
        }

        if (request.VectorsConfig is { } vectorsDiff)
        {
            if (vectorsDiff.ConfigCase != VectorsConfigDiff.ConfigOneofCase.Params)
            {
                throw StandInErrors.Unsupported("named vectors (one unnamed dense vector per collection only)");
            }

            if (vectorsDiff.Params.HasOnDisk)
            {
                collection.Vectors.OnDisk = vectorsDiff.Params.OnDisk;
            }

            if (vectorsDiff.Params.HnswConfig is not null)
            {
                collection.Vectors.HnswConfig ??= new HnswConfigDiff();
                collection.Vectors.HnswConfig.MergeFrom(vectorsDiff.Params.HnswConfig);
            }
        }

        if (request.StrictModeConfig is not null)
        {
            config.StrictModeConfig ??= new StrictModeConfig();
            config.StrictModeConfig.MergeFrom(request.StrictModeConfig);
        }

        foreach (var (key, value) in request.Metadata)
        {
            config.Metadata[key] = value.Clone();
        }
    }

    private static HnswConfigDiff DefaultHnsw() => new()
    {
        M = 16,
        EfConstruct = 100,
        FullScanThreshold = 10_000,
        MaxIndexingThreads = 0,
    };

    private static OptimizersConfigDiff DefaultOptimizers() => new()
    {
        DeletedThreshold = 0.2,
        VacuumMinVectorNumber = 1_000,
        DefaultSegmentNumber = 0,
        IndexingThreshold = 10_000,
        FlushIntervalSec = 5,
    };
}
