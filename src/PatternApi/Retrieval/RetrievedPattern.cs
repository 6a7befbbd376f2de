using PatternSync.Core.Patterns;

namespace PatternSync.PatternApi.Retrieval;

/// <summary>
/// A candidate of a match and how it was found: its cosine (when the vector index returned it), its lexical score and
/// rank (when the lexical index did), the score the two fuse into, and the confidence calibrated from that score.
/// </summary>
public sealed record RetrievedPattern(
    SuccessPattern Row, double? Similarity, LexicalScore? Lexical, double RetrievalScore, double Confidence);

/// <summary>A lexical hit's BM25 score and 1-based rank among the lexical hits.</summary>
public sealed record LexicalScore(double Score, int Rank);
