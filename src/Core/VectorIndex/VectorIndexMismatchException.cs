namespace PatternSync.Core.VectorIndex;

/// <summary>The index holds vectors of another size or model than the embedder makes; mixing them would corrupt every search.</summary>
public sealed class VectorIndexMismatchException(string message) : Exception(message);
