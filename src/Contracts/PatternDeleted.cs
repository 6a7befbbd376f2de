namespace PatternSync.Contracts;

/// <summary>A pattern was removed; its row no longer exists.</summary>
public sealed record PatternDeleted : PatternEvent;
