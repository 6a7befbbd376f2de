using Qdrant.Client.Grpc;
using QdrantStandIn.Store;

namespace QdrantStandIn.Semantics;

/// <summary>Reads dense vectors out of the several shapes the protocol allows, and writes them back.</summary>
internal static class VectorConversions
{
    /// <summary>The dense vector of an upserted point, checked against the collection.</summary>
    public static float[] FromPoint(StandInCollection collection, Vectors? vectors)
    {
        var raw = vectors?.VectorsOptionsCase switch
        {
            Vectors.VectorsOptionsOneofCase.Vector => FromVector(vectors.Vector),
            Vectors.VectorsOptionsOneofCase.Vectors_ => FromNamed(vectors.Vectors_),
            _ => [],
        };
        return Checked(collection, raw);
    }

    /// <summary>A query vector given as a plain float list (Search), checked against the collection.</summary>
    public static float[] FromQuery(StandInCollection collection, IReadOnlyList<float> raw) =>
        Checked(collection, raw);

    /// <summary>
    /// The dense vector of a Query's nearest input. The client sends it in <c>dense</c>; a point id
    /// means "the stored vector of that point", as in Qdrant.
    /// </summary>
    public static float[] FromVectorInput(StandInCollection collection, VectorInput input) => input.VariantCase switch
    {
        VectorInput.VariantOneofCase.Dense => Checked(collection, input.Dense.Data),
        VectorInput.VariantOneofCase.Id => collection.Points.TryGetValue(PointKey.From(input.Id), out var point)
            ? point.Vector
            : throw StandInErrors.PointNotFound(PointKey.From(input.Id)),
        _ => throw StandInErrors.Unsupported($"query input {input.VariantCase}"),
    };

    /// <summary>
    /// Vectors come back in both the deprecated <c>data</c> field (what Qdrant servers fill) and the
    /// newer <c>dense</c> oneof, so callers reading either form see the vector.
    /// </summary>
    public static VectorsOutput ToOutput(float[] vector)
    {
        var output = new VectorOutput { Dense = new DenseVector { Data = { vector } } };
#pragma warning disable CS0612 // Deprecated in the proto, yet it is what real servers populate.
        output.Data.Add(vector);
#pragma warning restore CS0612
        return new VectorsOutput { Vector = output };
    }

    private static IReadOnlyList<float> FromVector(Vector vector)
    {
        switch (vector.VectorCase)
        {
            case Vector.VectorOneofCase.Dense:
                return vector.Dense.Data;
            case Vector.VectorOneofCase.None:
#pragma warning disable CS0612 // The client still sends plain float arrays in the deprecated field.
                if (vector.Indices is not null || vector.HasVectorsCount)
                {
                    throw StandInErrors.Unsupported("sparse or multi vectors");
                }

                return vector.Data;
#pragma warning restore CS0612
            default:
                throw StandInErrors.Unsupported($"vector kind {vector.VectorCase}");
        }
    }

    // Qdrant names the single unnamed vector "" in named form; any other name does not exist.
    private static IReadOnlyList<float> FromNamed(NamedVectors named)
    {
        foreach (var (name, vector) in named.Vectors)
        {
            if (name.Length != 0)
            {
                throw StandInErrors.VectorNameNotFound(name);
            }

            return FromVector(vector);
        }

        return [];
    }

    private static float[] Checked(StandInCollection collection, IReadOnlyList<float> raw)
    {
        if ((ulong)raw.Count != collection.Dimension)
        {
            throw StandInErrors.DimensionMismatch(collection.Dimension, raw.Count);
        }

        return VectorMath.Prepare(collection.Distance, raw);
    }
}
