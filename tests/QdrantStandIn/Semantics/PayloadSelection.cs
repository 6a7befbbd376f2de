using Qdrant.Client.Grpc;

namespace QdrantStandIn.Semantics;

/// <summary>Applies a <see cref="WithPayloadSelector"/> to a stored payload, returning a detached copy.</summary>
internal static class PayloadSelection
{
    /// <param name="defaultEnabled">What an absent selector means for this RPC in Qdrant.</param>
    public static Struct? Select(Struct payload, WithPayloadSelector? selector, bool defaultEnabled)
    {
        switch (selector?.SelectorOptionsCase)
        {
            case null:
            case WithPayloadSelector.SelectorOptionsOneofCase.None:
                return defaultEnabled ? payload.Clone() : null;
            case WithPayloadSelector.SelectorOptionsOneofCase.Enable:
                return selector.Enable ? payload.Clone() : null;
            case WithPayloadSelector.SelectorOptionsOneofCase.Exclude:
                var rest = payload.Clone();
                foreach (var key in selector.Exclude.Fields)
                {
                    PayloadPath.Delete(rest, key);
                }

                return rest;
            case WithPayloadSelector.SelectorOptionsOneofCase.Include:
                var picked = new Struct();
                foreach (var key in selector.Include.Fields)
                {
                    CopyPath(payload, picked, key.Split('.'), 0);
                }

                return picked;
            default:
                return null;
        }
    }

    // Include keys are followed through nested objects only; a key that reaches an array
    // includes the whole array, which covers how Qdrant's include is used in practice.
    private static void CopyPath(Struct source, Struct target, string[] segments, int depth)
    {
        var name = segments[depth].Replace("[]", string.Empty, StringComparison.Ordinal);
        if (!source.Fields.TryGetValue(name, out var value))
        {
            return;
        }

        var isLast = depth == segments.Length - 1;
        if (isLast || value.KindCase != Value.KindOneofCase.StructValue)
        {
            target.Fields[name] = value.Clone();
            return;
        }

        if (!target.Fields.TryGetValue(name, out var child) || child.KindCase != Value.KindOneofCase.StructValue)
        {
            child = new Value { StructValue = new Struct() };
            target.Fields[name] = child;
        }

        CopyPath(value.StructValue, child.StructValue, segments, depth + 1);
    }
}
