using System.Globalization;
using Qdrant.Client.Grpc;

namespace QdrantStandIn.Semantics;

/// <summary>
/// Qdrant's payload key syntax: dotted paths into nested objects (<c>a.b</c>), <c>[]</c> to step into
/// every element of an array and <c>[n]</c> for one element. Like Qdrant, a plain key that meets an
/// array of objects steps into each of them.
/// </summary>
internal static class PayloadPath
{
    private readonly record struct Segment(string Name, bool AllElements, int? Index);

    /// <summary>The values found at the key, arrays at the end of the path left whole.</summary>
    public static List<Value> Resolve(Struct payload, string key)
    {
        List<Value> current = [new Value { StructValue = payload }];
        foreach (var segment in Parse(key))
        {
            var next = new List<Value>();
            foreach (var value in current)
            {
                Step(value, segment.Name, next);
            }

            current = ApplyIndex(next, segment);
        }

        return current;
    }

    /// <summary>
    /// The values a condition tests: as <see cref="Resolve"/>, with arrays flattened one level, because
    /// in Qdrant an array field matches when any of its elements does.
    /// </summary>
    public static List<Value> ResolveFlat(Struct payload, string key)
    {
        var flat = new List<Value>();
        foreach (var value in Resolve(payload, key))
        {
            if (value.KindCase == Value.KindOneofCase.ListValue)
            {
                flat.AddRange(value.ListValue.Values);
            }
            else
            {
                flat.Add(value);
            }
        }

        return flat;
    }

    /// <summary>The object at a key, created (or replacing a non-object) along the way, for set-payload with a key.</summary>
    public static Struct GetOrCreateObject(Struct payload, string key)
    {
        var target = payload;
        foreach (var segment in Parse(key))
        {
            if (segment.AllElements || segment.Index is not null)
            {
                throw StandInErrors.Unsupported("array indexing in a set-payload key");
            }

            if (!target.Fields.TryGetValue(segment.Name, out var child) || child.KindCase != Value.KindOneofCase.StructValue)
            {
                child = new Value { StructValue = new Struct() };
                target.Fields[segment.Name] = child;
            }

            target = child.StructValue;
        }

        return target;
    }

    /// <summary>Removes the key wherever the path reaches it (in every array element for <c>[]</c>).</summary>
    public static void Delete(Struct payload, string key)
    {
        var segments = Parse(key);
        List<Value> parents = [new Value { StructValue = payload }];
        for (var i = 0; i < segments.Count - 1; i++)
        {
            var next = new List<Value>();
            foreach (var value in parents)
            {
                Step(value, segments[i].Name, next);
            }

            parents = ApplyIndex(next, segments[i]);
        }

        var last = segments[^1];
        foreach (var parent in parents)
        {
            foreach (var obj in Objects(parent))
            {
                if (last.AllElements || last.Index is null)
                {
                    obj.Fields.Remove(last.Name);
                }
                else if (obj.Fields.TryGetValue(last.Name, out var list)
                    && list.KindCase == Value.KindOneofCase.ListValue
                    && last.Index.Value < list.ListValue.Values.Count)
                {
                    list.ListValue.Values.RemoveAt(last.Index.Value);
                }
            }
        }
    }

    private static void Step(Value value, string name, List<Value> into)
    {
        foreach (var obj in Objects(value))
        {
            if (obj.Fields.TryGetValue(name, out var child))
            {
                into.Add(child);
            }
        }
    }

    private static IEnumerable<Struct> Objects(Value value)
    {
        if (value.KindCase == Value.KindOneofCase.StructValue)
        {
            yield return value.StructValue;
        }
        else if (value.KindCase == Value.KindOneofCase.ListValue)
        {
            foreach (var element in value.ListValue.Values)
            {
                if (element.KindCase == Value.KindOneofCase.StructValue)
                {
                    yield return element.StructValue;
                }
            }
        }
    }

    private static List<Value> ApplyIndex(List<Value> values, Segment segment)
    {
        if (!segment.AllElements && segment.Index is null)
        {
            return values;
        }

        var result = new List<Value>();
        foreach (var value in values)
        {
            if (value.KindCase != Value.KindOneofCase.ListValue)
            {
                continue;
            }

            if (segment.AllElements)
            {
                result.AddRange(value.ListValue.Values);
            }
            else if (segment.Index!.Value < value.ListValue.Values.Count)
            {
                result.Add(value.ListValue.Values[segment.Index.Value]);
            }
        }

        return result;
    }

    private static List<Segment> Parse(string key)
    {
        if (string.IsNullOrEmpty(key))
        {
            throw StandInErrors.BadInput("payload key must not be empty");
        }

        var segments = new List<Segment>();
        foreach (var part in key.Split('.'))
        {
            var bracket = part.IndexOf('[', StringComparison.Ordinal);
            if (bracket < 0)
            {
                segments.Add(new Segment(part, false, null));
                continue;
            }

            var name = part[..bracket];
            var inside = part[(bracket + 1)..].TrimEnd(']');
            segments.Add(inside.Length == 0
                ? new Segment(name, true, null)
                : int.TryParse(inside, NumberStyles.None, CultureInfo.InvariantCulture, out var index)
                    ? new Segment(name, false, index)
                    : throw StandInErrors.BadInput($"invalid payload key {key}"));
        }

        return segments;
    }
}
