using System.Numerics;
using System.Runtime.InteropServices;

namespace PatternSync.Core.VectorIndex.Postgres;

/// <summary>
/// This process's copy of the embedded index: normalised vectors and payloads, searched exactly
/// (a dot product per pattern, SIMD-wide). Not thread-safe; <see cref="PostgresPatternIndex"/> guards it.
/// </summary>
internal sealed class InMemoryVectorSet
{
    private readonly Dictionary<Guid, Entry> _entries = [];

    public sealed record Entry(PatternPayload Payload, float[] Vector, long ChangeSeq);

    /// <summary>Applies a row read from PostgreSQL unless a later change of it was applied already.</summary>
    public void Apply(Guid id, long changeSeq, Entry? entry)
    {
        if (_entries.TryGetValue(id, out var current) && current.ChangeSeq >= changeSeq) return;
        if (entry is null) _entries.Remove(id);
        else _entries[id] = entry;
    }

    public IReadOnlyList<VectorMatch> Search(ReadOnlySpan<float> query, PatternSearchFilter filter, int limit, float scoreThreshold)
    {
        var normalised = Normalise(query.ToArray());
        var best = new PriorityQueue<VectorMatch, float>(limit + 1);
        foreach (var entry in _entries.Values)
        {
            if (!filter.Matches(entry.Payload)) continue;
            var score = Dot(normalised, entry.Vector);
            if (score < scoreThreshold) continue;
            // Most patterns lose to the current top: skip them before allocating a match.
            if (best.Count == limit && best.TryPeek(out _, out var lowest) && score <= lowest) continue;
            best.Enqueue(new VectorMatch(entry.Payload.PatternId, score, entry.Payload.Version, entry.Payload.ContentHash), score);
            if (best.Count > limit) best.Dequeue();
        }
        var result = new List<VectorMatch>(best.Count);
        while (best.Count > 0) result.Add(best.Dequeue());
        result.Reverse();
        return result;
    }

    public long Count(PatternSearchFilter filter) => _entries.Values.LongCount(e => filter.Matches(e.Payload));

    public static float[] Normalise(float[] vector)
    {
        var norm = MathF.Sqrt(Dot(vector, vector));
        if (norm > 0) for (var i = 0; i < vector.Length; i++) vector[i] /= norm;
        return vector;
    }

    private static float Dot(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        var width = Vector<float>.Count;
        var sum = Vector<float>.Zero;
        var va = MemoryMarshal.Cast<float, Vector<float>>(a);
        var vb = MemoryMarshal.Cast<float, Vector<float>>(b);
        for (var i = 0; i < va.Length; i++) sum += va[i] * vb[i];
        var dot = Vector.Sum(sum);
        for (var i = va.Length * width; i < a.Length; i++) dot += a[i] * b[i];
        return dot;
    }
}
