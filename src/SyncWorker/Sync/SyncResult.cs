namespace PatternSync.SyncWorker.Sync;

/// <summary>What one synchronisation pass did to the index.</summary>
public sealed record SyncResult(int Embedded, int PayloadOnly, int Deleted, int AlreadyCurrent);
