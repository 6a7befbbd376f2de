namespace PatternSync.Contracts;

/// <summary>A pattern was stored for the first time.</summary>
public sealed record PatternCreated : PatternEvent;
