using Qdrant.Client.Grpc;

namespace PatternSync.Core.VectorIndex.Qdrant;

/// <summary>Payload field names (the seed's) and the conversion of a <see cref="PatternPayload"/> to Qdrant values.</summary>
internal static class QdrantPayloads
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

    /// <summary>The seed's payload indexes.</summary>
    public static readonly IReadOnlyList<(string Field, PayloadSchemaType Type)> Indexes =
    [
        (PatternType, PayloadSchemaType.Keyword), (Status, PayloadSchemaType.Keyword), (Tags, PayloadSchemaType.Keyword),
        (QualityScore, PayloadSchemaType.Float), (SuccessRate, PayloadSchemaType.Float),
        (MatchCount, PayloadSchemaType.Integer), (CreatedAt, PayloadSchemaType.Integer), (LastMatchedAt, PayloadSchemaType.Integer),
    ];

    public static Dictionary<string, Value> ToValues(PatternPayload payload) => new()
    {
        [PatternId] = payload.PatternId.ToString(),
        [PatternType] = payload.PatternType,
        [Version] = payload.Version,
        [Status] = payload.Status,
        [Tags] = new Value { ListValue = new ListValue { Values = { payload.Tags.Select(tag => (Value)tag) } } },
        [QualityScore] = payload.QualityScore,
        [SuccessRate] = payload.SuccessRate is { } rate ? rate : Null,
        [MatchCount] = payload.MatchCount,
        [CreatedAt] = payload.CreatedAt,
        [LastMatchedAt] = payload.LastMatchedAt is { } at ? at : Null,
        [ContentHash] = payload.ContentHash,
    };

    public static int? ReadVersion(IDictionary<string, Value> payload) =>
        payload.TryGetValue(Version, out var value) && value.KindCase == Value.KindOneofCase.IntegerValue ? (int)value.IntegerValue : null;

    public static string? ReadContentHash(IDictionary<string, Value> payload) =>
        payload.TryGetValue(ContentHash, out var value) && value.KindCase == Value.KindOneofCase.StringValue ? value.StringValue : null;

    private static Value Null => new() { NullValue = NullValue.NullValue };
}
