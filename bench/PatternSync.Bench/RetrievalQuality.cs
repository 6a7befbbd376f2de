using System.Numerics.Tensors;
using PatternSync.Bench.Lexical;

namespace PatternSync.Bench;

/// <summary>hit@1, hit@3 and MRR@10 of a labelled set, from the rank of each query's first right answer (0: none returned).</summary>
internal sealed record RetrievalQuality(int Queries, double HitAt1, double HitAt3, double MrrAt10)
{
    public static RetrievalQuality Of(IReadOnlyCollection<int> ranks) => new(ranks.Count,
        ranks.Average(r => r == 1 ? 1.0 : 0), ranks.Average(r => r is >= 1 and <= 3 ? 1.0 : 0),
        ranks.Average(r => r is >= 1 and <= 10 ? 1.0 / r : 0));

    /// <summary>The 1-based rank of the first of <paramref name="returned"/> that <paramref name="query"/> expects; 0 if none.</summary>
    public static int RankOf(LabelledQuery query, IEnumerable<string> returned) =>
        returned.Select((name, i) => (name, i)).FirstOrDefault(r => query.Expected.Contains(r.name), (name: "", i: -1)).i + 1;

    /// <summary>The <paramref name="depth"/> patterns nearest <paramref name="query"/> (unit vectors: dot product = cosine).</summary>
    public static List<Hit> Nearest(float[] query, IReadOnlyList<float[]> patterns, int depth) =>
        patterns.Select((vector, i) => new Hit(i, TensorPrimitives.Dot(query, vector)))
            .OrderByDescending(h => h.Score).Take(depth).ToList();

    public override string ToString() => $"hit@1 {HitAt1:F3}  hit@3 {HitAt3:F3}  MRR@10 {MrrAt10:F3}";
}
