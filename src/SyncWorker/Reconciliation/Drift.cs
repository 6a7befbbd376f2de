using PatternSync.Core.VectorIndex;

namespace PatternSync.SyncWorker.Reconciliation;

/// <summary>What reconciliation reads of a pattern's row; in flight = changed within the grace period and not indexed yet.</summary>
public sealed record RowState(Guid Id, int Version, string ContentHash, bool InFlight);

public enum DriftKind { None, InFlight, Missing, StaleVersion, StalePayload, Ahead, Orphan }

/// <summary>How a pattern's point differs from its row: the one definition both of reconciliation's looks use.</summary>
public sealed record Drift(Guid Id, RowState? Row, IndexedPoint? Point)
{
    public DriftKind Kind => Of(Row, Point);

    public static DriftKind Of(RowState? row, IndexedPoint? point) => (row, point) switch
    {
        (null, null) => DriftKind.None,
        (null, _) => DriftKind.Orphan,
        ({ InFlight: true }, _) => DriftKind.InFlight,
        (_, null) => DriftKind.Missing,
        _ when point.Version < row.Version => DriftKind.StaleVersion,
        // A point ahead of its row (e.g. after restoring PostgreSQL) is removed and written again from the row.
        _ when point.Version > row.Version => DriftKind.Ahead,
        _ when point.ContentHash != row.ContentHash => DriftKind.StalePayload,
        _ => DriftKind.None,
    };
}
