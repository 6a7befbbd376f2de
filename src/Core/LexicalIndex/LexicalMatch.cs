namespace PatternSync.Core.LexicalIndex;

/// <summary>A lexical hit: its BM25 score and 1-based rank, with the version and content hash the index held for it.</summary>
public sealed record LexicalMatch(Guid PatternId, float Score, int Rank, int Version, string ContentHash);
