namespace PatternSync.Core.LexicalIndex;

/// <summary>A lexical hit: its BM25 score and 1-based rank, with the content hash the index held for it.</summary>
public sealed record LexicalMatch(Guid PatternId, float Score, int Rank, string ContentHash);
