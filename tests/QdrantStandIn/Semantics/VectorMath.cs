using Qdrant.Client.Grpc;

namespace QdrantStandIn.Semantics;

/// <summary>Exact (brute force) scoring with Qdrant's conventions per distance.</summary>
internal static class VectorMath
{
    /// <summary>
    /// What Qdrant stores for a vector: cosine collections keep the unit vector (so that scoring is a
    /// plain dot product and retrieved vectors come back normalised); other distances keep it as given.
    /// A zero vector cannot be normalised and is kept as is, as Qdrant does.
    /// </summary>
    public static float[] Prepare(Distance distance, IReadOnlyList<float> vector)
    {
        var copy = vector.ToArray();
        if (distance != Distance.Cosine)
        {
            return copy;
        }

        double sumOfSquares = 0;
        foreach (var x in copy)
        {
            sumOfSquares += (double)x * x;
        }

        if (sumOfSquares < double.Epsilon)
        {
            return copy;
        }

        var norm = Math.Sqrt(sumOfSquares);
        for (var i = 0; i < copy.Length; i++)
        {
            copy[i] = (float)(copy[i] / norm);
        }

        return copy;
    }

    /// <summary>Both vectors must already have gone through <see cref="Prepare"/>.</summary>
    public static float Score(Distance distance, float[] stored, float[] query)
    {
        double acc = 0;
        switch (distance)
        {
            case Distance.Cosine:
            case Distance.Dot:
                for (var i = 0; i < stored.Length; i++)
                {
                    acc += (double)stored[i] * query[i];
                }

                return (float)acc;
            case Distance.Euclid:
                for (var i = 0; i < stored.Length; i++)
                {
                    var d = (double)stored[i] - query[i];
                    acc += d * d;
                }

                return (float)Math.Sqrt(acc);
            case Distance.Manhattan:
                for (var i = 0; i < stored.Length; i++)
                {
                    acc += Math.Abs((double)stored[i] - query[i]);
                }

                return (float)acc;
            default:
                throw StandInErrors.Unsupported($"distance {distance}");
        }
    }

    /// <summary>Qdrant reports similarities for cosine/dot and distances for euclid/manhattan.</summary>
    public static bool HigherIsBetter(Distance distance) => distance is Distance.Cosine or Distance.Dot;

    /// <summary>score_threshold is a lower bound for similarities and an upper bound for distances.</summary>
    public static bool PassesThreshold(Distance distance, float score, float threshold) =>
        HigherIsBetter(distance) ? score >= threshold : score <= threshold;
}
