using Qdrant.Client.Grpc;

namespace QdrantStandIn.Store;

/// <summary>
/// A normalised point id. Ordering mirrors Qdrant's: every numeric id sorts before every UUID,
/// numbers by value, UUIDs by their canonical lowercase hyphenated form (which is the same order
/// as their 128-bit value, the order real Qdrant uses).
/// </summary>
internal readonly record struct PointKey(ulong Num, string? Uuid) : IComparable<PointKey>
{
    public bool IsUuid => Uuid is not null;

    public static PointKey From(PointId? id) => id?.PointIdOptionsCase switch
    {
        PointId.PointIdOptionsOneofCase.Num => new PointKey(id.Num, null),
        PointId.PointIdOptionsOneofCase.Uuid => Guid.TryParse(id.Uuid, out var guid)
            ? new PointKey(0, guid.ToString("D"))
            : throw StandInErrors.BadInput($"Unable to parse UUID: {id.Uuid}"),
        _ => throw StandInErrors.BadInput("Point id is missing"),
    };

    public PointId ToPointId() => Uuid is null ? new PointId { Num = Num } : new PointId { Uuid = Uuid };

    public int CompareTo(PointKey other) => (Uuid, other.Uuid) switch
    {
        (null, null) => Num.CompareTo(other.Num),
        (null, _) => -1,
        (_, null) => 1,
        _ => string.CompareOrdinal(Uuid, other.Uuid),
    };

    public override string ToString() => Uuid ?? Num.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
