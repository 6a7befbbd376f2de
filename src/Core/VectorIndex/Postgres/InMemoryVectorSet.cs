using System.Numerics.Tensors;
using PatternSync.Core.Filters;

namespace PatternSync.Core.VectorIndex.Postgres;

/// <summary>
/// This process's copy of the embedded index, searched exactly. The vectors sit in one contiguous array
/// so a search streams through memory instead of chasing one heap object per pattern (figures in docs/benchmarks.md).
/// Not thread-safe; <see cref="PostgresPatternIndex"/> guards it.
/// </summary>
internal sealed class InMemoryVectorSet(int dimensions)
{
    private readonly Dictionary<Guid, int> _slots = [];
    private readonly Stack<int> _freeSlots = new();
    private float[] _vectors = new float[dimensions * 256];
    private PatternPayload?[] _payloads = new PatternPayload?[256];
    private long[] _changeSeqs = new long[256];
    private int _usedSlots;

    /// <summary>Applies a row read from PostgreSQL unless a later change of it was applied already; a null payload removes it.</summary>
    public void Apply(Guid id, long changeSeq, PatternPayload? payload, float[]? vector)
    {
        var known = _slots.TryGetValue(id, out var slot);
        if (known && _changeSeqs[slot] >= changeSeq) return;
        if (payload is null || vector is null)
        {
            if (!known) return;
            _slots.Remove(id);
            _payloads[slot] = null;
            _freeSlots.Push(slot);
            return;
        }
        if (vector.Length != dimensions)
            throw new ArgumentException($"A vector of {vector.Length} dimensions cannot go into a set of {dimensions}.", nameof(vector));
        if (!known) _slots[id] = slot = NewSlot();
        vector.CopyTo(_vectors, slot * dimensions);
        _payloads[slot] = payload;
        _changeSeqs[slot] = changeSeq;
    }

    public IReadOnlyList<VectorMatch> Search(ReadOnlySpan<float> query, PatternFilter filter, int limit, float scoreThreshold)
    {
        var normalised = Normalise(query.ToArray());
        var best = new PriorityQueue<VectorMatch, float>(limit + 1);
        var vectors = _vectors.AsSpan(0, _usedSlots * dimensions);
        for (var slot = 0; slot < _usedSlots; slot++)
        {
            if (_payloads[slot] is not { } payload) continue;
            var score = TensorPrimitives.Dot(normalised, vectors.Slice(slot * dimensions, dimensions));
            if (score < scoreThreshold) continue;
            // Most patterns lose to the current top: skip them before reading their payload or allocating a match.
            if (best.Count == limit && best.TryPeek(out _, out var lowest) && score <= lowest) continue;
            if (!filter.Matches(payload)) continue;
            best.Enqueue(new VectorMatch(payload.PatternId, score, payload.Version, payload.ContentHash), score);
            if (best.Count > limit) best.Dequeue();
        }
        var result = new List<VectorMatch>(best.Count);
        while (best.Count > 0) result.Add(best.Dequeue());
        result.Reverse();
        return result;
    }

    public long Count(PatternFilter filter) => _payloads.Take(_usedSlots).LongCount(p => p is not null && filter.Matches(p));

    public static float[] Normalise(float[] vector)
    {
        var norm = TensorPrimitives.Norm(vector);
        if (norm > 0) for (var i = 0; i < vector.Length; i++) vector[i] /= norm;
        return vector;
    }

    private int NewSlot()
    {
        if (_freeSlots.TryPop(out var free)) return free;
        if (_usedSlots == _payloads.Length)
        {
            Array.Resize(ref _payloads, _payloads.Length * 2);
            Array.Resize(ref _changeSeqs, _changeSeqs.Length * 2);
            Array.Resize(ref _vectors, _vectors.Length * 2);
        }
        return _usedSlots++;
    }
}
