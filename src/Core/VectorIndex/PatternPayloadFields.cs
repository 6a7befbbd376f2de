using Npgsql;
using Qdrant.Client.Grpc;

namespace PatternSync.Core.VectorIndex;

/// <summary>
/// The payload described once: each field's name (the seed's Qdrant key and the pattern_vectors column), how it
/// converts to a Qdrant value and an SQL parameter, and its Qdrant payload index. Adding a field: a line here,
/// a property on <see cref="PatternPayload"/>, and a migration adding the column.
/// </summary>
public static class PatternPayloadFields
{
    public const string PatternId = "pattern_id";
    public const string PatternType = "pattern_type";
    public const string Version = "version";
    public const string Status = "status";
    public const string Tags = "tags";
    public const string QualityScore = "quality_score";
    public const string SuccessRate = "success_rate";
    public const string MatchCount = "match_count";
    public const string CreatedAt = "created_at";
    public const string LastMatchedAt = "last_matched_at";
    public const string ContentHash = "content_hash";

    public static readonly IReadOnlyList<PayloadField> All =
    [
        PayloadField.Of(PatternId, PayloadCodecs.Id, null, p => p.PatternId, (p, v) => p with { PatternId = v }),
        PayloadField.Of(PatternType, PayloadCodecs.Text, PayloadSchemaType.Keyword, p => p.PatternType,
            (p, v) => p with { PatternType = v }),
        PayloadField.Of(Version, PayloadCodecs.Int32, null, p => p.Version, (p, v) => p with { Version = v }),
        PayloadField.Of(Status, PayloadCodecs.Text, PayloadSchemaType.Keyword, p => p.Status, (p, v) => p with { Status = v }),
        PayloadField.Of(Tags, PayloadCodecs.Keywords, PayloadSchemaType.Keyword, p => p.Tags, (p, v) => p with { Tags = v }),
        PayloadField.Of(QualityScore, PayloadCodecs.Double, PayloadSchemaType.Float, p => p.QualityScore,
            (p, v) => p with { QualityScore = v }),
        PayloadField.Of(SuccessRate, PayloadCodecs.OptionalDouble, PayloadSchemaType.Float, p => p.SuccessRate,
            (p, v) => p with { SuccessRate = v }),
        PayloadField.Of(MatchCount, PayloadCodecs.Int32, PayloadSchemaType.Integer, p => p.MatchCount, (p, v) => p with { MatchCount = v }),
        PayloadField.Of(CreatedAt, PayloadCodecs.Int64, PayloadSchemaType.Integer, p => p.CreatedAt, (p, v) => p with { CreatedAt = v }),
        PayloadField.Of(LastMatchedAt, PayloadCodecs.OptionalInt64, PayloadSchemaType.Integer, p => p.LastMatchedAt,
            (p, v) => p with { LastMatchedAt = v }),
        PayloadField.Of(ContentHash, PayloadCodecs.Text, null, p => p.ContentHash, (p, v) => p with { ContentHash = v }),
    ];

    /// <summary>The start every decoding overwrites field by field.</summary>
    internal static readonly PatternPayload Blank = new(Guid.Empty, "", 0, "", [], 0, null, 0, 0, null, "");
}

/// <summary>One payload field; built by <see cref="Of{T}"/> from a codec and the record property it carries.</summary>
/// <param name="QdrantIndex">The payload index the seed creates on it in Qdrant; null when it has none.</param>
public sealed record PayloadField(
    string Name,
    PayloadSchemaType? QdrantIndex,
    Func<PatternPayload, Value> ToQdrant,
    Func<PatternPayload, Value, PatternPayload> FromQdrant,
    Func<PatternPayload, object> ToSql,
    Func<PatternPayload, NpgsqlDataReader, int, PatternPayload> FromSql)
{
    public static PayloadField Of<T>(string name, PayloadCodec<T> codec, PayloadSchemaType? qdrantIndex,
        Func<PatternPayload, T> get, Func<PatternPayload, T, PatternPayload> with) => new(
        name, qdrantIndex,
        payload => codec.ToQdrant(get(payload)),
        (payload, value) => with(payload, codec.FromQdrant(value)),
        payload => codec.ToSql(get(payload)),
        (payload, reader, ordinal) => with(payload, codec.Read(reader, ordinal)));
}

/// <summary>How a value of one type goes into and comes out of a Qdrant value and a PostgreSQL column.</summary>
public sealed record PayloadCodec<T>(
    Func<T, Value> ToQdrant, Func<Value, T> FromQdrant, Func<T, object> ToSql, Func<NpgsqlDataReader, int, T> Read);

public static class PayloadCodecs
{
    public static readonly PayloadCodec<Guid> Id = new(v => v.ToString(), v => Guid.Parse(v.StringValue), v => v, (r, i) => r.GetGuid(i));

    public static readonly PayloadCodec<string> Text = new(v => v, v => v.StringValue, v => v, (r, i) => r.GetString(i));

    public static readonly PayloadCodec<int> Int32 = new(v => v, v => (int)v.IntegerValue, v => v, (r, i) => r.GetInt32(i));

    public static readonly PayloadCodec<long> Int64 = new(v => v, v => v.IntegerValue, v => v, (r, i) => r.GetInt64(i));

    public static readonly PayloadCodec<double> Double = new(v => v, v => v.DoubleValue, v => v, (r, i) => r.GetDouble(i));

    public static readonly PayloadCodec<double?> OptionalDouble = new(
        v => v is { } d ? d : Null, v => v.KindCase == Value.KindOneofCase.DoubleValue ? v.DoubleValue : null,
        v => (object?)v ?? DBNull.Value, (r, i) => r.IsDBNull(i) ? null : r.GetDouble(i));

    public static readonly PayloadCodec<long?> OptionalInt64 = new(
        v => v is { } l ? l : Null, v => v.KindCase == Value.KindOneofCase.IntegerValue ? v.IntegerValue : null,
        v => (object?)v ?? DBNull.Value, (r, i) => r.IsDBNull(i) ? null : r.GetInt64(i));

    public static readonly PayloadCodec<IReadOnlyList<string>> Keywords = new(
        v => new Value { ListValue = new ListValue { Values = { v.Select(tag => (Value)tag) } } },
        v => v.ListValue.Values.Select(tag => tag.StringValue).ToList(), v => v.ToArray(), (r, i) => r.GetFieldValue<string[]>(i));

    private static Value Null => new() { NullValue = NullValue.NullValue };
}
