using System.Globalization;
using Qdrant.Client.Grpc;
using QdrantStandIn.Store;

namespace QdrantStandIn.Semantics;

/// <summary>
/// Qdrant's filter semantics, evaluated point by point (no payload index is needed or used).
/// </summary>
internal static class FilterEvaluator
{
    public static bool Matches(Filter? filter, StoredPoint point) =>
        filter is null || Matches(filter, point.Id, point.Payload);

    /// <param name="id">Null inside a nested condition, where ids have no meaning.</param>
    private static bool Matches(Filter filter, PointKey? id, Struct payload)
    {
        foreach (var condition in filter.Must)
        {
            if (!Check(condition, id, payload))
            {
                return false;
            }
        }

        foreach (var condition in filter.MustNot)
        {
            if (Check(condition, id, payload))
            {
                return false;
            }
        }

        if (filter.Should.Count > 0 && !filter.Should.Any(c => Check(c, id, payload)))
        {
            return false;
        }

        if (filter.MinShould is { } minShould
            && (ulong)minShould.Conditions.Count(c => Check(c, id, payload)) < minShould.MinCount)
        {
            return false;
        }

        return true;
    }

    private static bool Check(Condition condition, PointKey? id, Struct payload) => condition.ConditionOneOfCase switch
    {
        Condition.ConditionOneOfOneofCase.Field => CheckField(condition.Field, payload),
        Condition.ConditionOneOfOneofCase.IsEmpty => IsEmpty(payload, condition.IsEmpty.Key),
        Condition.ConditionOneOfOneofCase.IsNull => IsNull(payload, condition.IsNull.Key),
        Condition.ConditionOneOfOneofCase.HasId => id is { } key
            ? condition.HasId.HasId.Any(h => PointKey.From(h) == key)
            : throw StandInErrors.BadInput("HasId condition is not supported inside nested filters"),
        Condition.ConditionOneOfOneofCase.Filter => Matches(condition.Filter, id, payload),
        Condition.ConditionOneOfOneofCase.Nested => CheckNested(condition.Nested, payload),
        // The only vector a stand-in collection has is the unnamed one, and every point has it.
        Condition.ConditionOneOfOneofCase.HasVector => condition.HasVector.HasVector.Length == 0,
        _ => throw StandInErrors.Unsupported($"filter condition {condition.ConditionOneOfCase}"),
    };

    // A nested filter must hold for one and the same array element, which is what sets it
    // apart from a plain dotted key.
    private static bool CheckNested(NestedCondition nested, Struct payload) =>
        PayloadPath.ResolveFlat(payload, nested.Key)
            .Where(v => v.KindCase == Value.KindOneofCase.StructValue)
            .Any(v => Matches(nested.Filter, null, v.StructValue));

    private static bool IsEmpty(Struct payload, string key) =>
        PayloadPath.ResolveFlat(payload, key).All(v => v.KindCase == Value.KindOneofCase.NullValue);

    private static bool IsNull(Struct payload, string key) =>
        PayloadPath.Resolve(payload, key).Any(v => v.KindCase == Value.KindOneofCase.NullValue);

    private static bool CheckField(FieldCondition field, Struct payload)
    {
        if (field.HasIsEmpty)
        {
            return IsEmpty(payload, field.Key) == field.IsEmpty;
        }

        if (field.HasIsNull)
        {
            return IsNull(payload, field.Key) == field.IsNull;
        }

        var values = PayloadPath.ResolveFlat(payload, field.Key);
        if (field.ValuesCount is { } count)
        {
            return CountMatches(count, (ulong)values.Count);
        }

        // A missing field (or an empty array) satisfies no match or range condition, "except" included.
        if (field.Match is { } match)
        {
            return IsExcept(match) ? values.Any(v => MatchExcept(match, v)) : values.Any(v => MatchValue(match, v));
        }

        if (field.Range is { } range)
        {
            return values.Any(v => InRange(range, v));
        }

        if (field.DatetimeRange is { } datetimeRange)
        {
            return values.Any(v => InDatetimeRange(datetimeRange, v));
        }

        throw StandInErrors.Unsupported("this field condition (geo conditions are not implemented)");
    }

    private static bool IsExcept(Match match) =>
        match.MatchValueCase is Match.MatchValueOneofCase.ExceptKeywords or Match.MatchValueOneofCase.ExceptIntegers;

    private static bool MatchValue(Match match, Value value) => match.MatchValueCase switch
    {
        Match.MatchValueOneofCase.Keyword => value.KindCase == Value.KindOneofCase.StringValue
            && value.StringValue == match.Keyword,
        Match.MatchValueOneofCase.Integer => value.KindCase == Value.KindOneofCase.IntegerValue
            && value.IntegerValue == match.Integer,
        Match.MatchValueOneofCase.Boolean => value.KindCase == Value.KindOneofCase.BoolValue
            && value.BoolValue == match.Boolean,
        Match.MatchValueOneofCase.Keywords => value.KindCase == Value.KindOneofCase.StringValue
            && match.Keywords.Strings.Contains(value.StringValue),
        Match.MatchValueOneofCase.Integers => value.KindCase == Value.KindOneofCase.IntegerValue
            && match.Integers.Integers.Contains(value.IntegerValue),
        // Without a full-text index Qdrant matches text conditions as substrings; the stand-in
        // has no tokenizer, so it always does that.
        Match.MatchValueOneofCase.Text => ContainsText(value, match.Text),
        Match.MatchValueOneofCase.Phrase => ContainsText(value, match.Phrase),
        Match.MatchValueOneofCase.Substring => ContainsText(value, match.Substring),
        Match.MatchValueOneofCase.TextAny => match.TextAny
            .Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Any(word => ContainsText(value, word)),
        Match.MatchValueOneofCase.Prefix => value.KindCase == Value.KindOneofCase.StringValue
            && value.StringValue.StartsWith(match.Prefix, StringComparison.Ordinal),
        _ => throw StandInErrors.Unsupported($"match {match.MatchValueCase}"),
    };

    // As in Qdrant: null never matches; a value of another type is "not one of the excluded values".
    private static bool MatchExcept(Match match, Value value)
    {
        if (value.KindCase == Value.KindOneofCase.NullValue)
        {
            return false;
        }

        return match.MatchValueCase switch
        {
            Match.MatchValueOneofCase.ExceptKeywords => value.KindCase != Value.KindOneofCase.StringValue
                || !match.ExceptKeywords.Strings.Contains(value.StringValue),
            Match.MatchValueOneofCase.ExceptIntegers => value.KindCase != Value.KindOneofCase.IntegerValue
                || !match.ExceptIntegers.Integers.Contains(value.IntegerValue),
            _ => false,
        };
    }

    private static bool ContainsText(Value value, string text) =>
        value.KindCase == Value.KindOneofCase.StringValue && value.StringValue.Contains(text, StringComparison.Ordinal);

    private static bool InRange(Qdrant.Client.Grpc.Range range, Value value)
    {
        double number;
        if (value.KindCase == Value.KindOneofCase.IntegerValue)
        {
            number = value.IntegerValue;
        }
        else if (value.KindCase == Value.KindOneofCase.DoubleValue)
        {
            number = value.DoubleValue;
        }
        else
        {
            return false;
        }

        return (!range.HasLt || number < range.Lt)
            && (!range.HasLte || number <= range.Lte)
            && (!range.HasGt || number > range.Gt)
            && (!range.HasGte || number >= range.Gte);
    }

    private static bool InDatetimeRange(DatetimeRange range, Value value)
    {
        if (value.KindCase != Value.KindOneofCase.StringValue
            || !DateTimeOffset.TryParse(value.StringValue, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed))
        {
            return false;
        }

        var at = parsed.UtcDateTime;
        return (range.Lt is null || at < range.Lt.ToDateTime())
            && (range.Lte is null || at <= range.Lte.ToDateTime())
            && (range.Gt is null || at > range.Gt.ToDateTime())
            && (range.Gte is null || at >= range.Gte.ToDateTime());
    }

    private static bool CountMatches(ValuesCount count, ulong actual) =>
        (!count.HasLt || actual < count.Lt)
        && (!count.HasLte || actual <= count.Lte)
        && (!count.HasGt || actual > count.Gt)
        && (!count.HasGte || actual >= count.Gte);
}
