using System.Collections.Concurrent;

namespace PatternSync.Core.Observability;

/// <summary>
/// A metric label whose values come from user data, bounded: the first <c>max</c> distinct values are kept,
/// any later one is counted as <see cref="Other"/>, so writers cannot grow a metric's series without end.
/// </summary>
public sealed class BoundedLabel(int max)
{
    /// <summary>Starts with '_', which no pattern type does, so it cannot be read as one.</summary>
    public const string Other = "_other";

    private readonly ConcurrentDictionary<string, byte> _values = new(StringComparer.Ordinal);

    public string Of(string value)
    {
        if (_values.ContainsKey(value)) return value;
        lock (_values)
        {
            if (_values.Count >= max && !_values.ContainsKey(value)) return Other;
            _values.TryAdd(value, 0);
            return value;
        }
    }
}
