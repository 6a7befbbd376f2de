namespace PatternSync.PatternApi.Http;

/// <summary>
/// A request's errors by JSON path, bounded so that a body of thousands of bad elements gets a short
/// answer: the first few paths under each top-level field, the first fields, and paths cut to a length.
/// </summary>
public sealed class ValidationErrors
{
    public const int MaxPerField = 3;
    public const int MaxPaths = 20;
    public const int MaxPathLength = 128;

    private readonly Dictionary<string, string[]> _errors = [];
    private readonly Dictionary<string, int> _pathsPerField = [];

    public bool Any => _errors.Count > 0;

    public void Add(string path, string message)
    {
        if (path.Length > MaxPathLength) path = path[..MaxPathLength] + "…";
        if (_errors.TryGetValue(path, out var messages))
        {
            if (messages.Length < MaxPerField && !messages.Contains(message)) _errors[path] = [.. messages, message];
            return;
        }
        var field = path.Split('.', '[')[0];
        var paths = _pathsPerField.GetValueOrDefault(field);
        if (paths >= MaxPerField || _errors.Count >= MaxPaths) return;
        _pathsPerField[field] = paths + 1;
        _errors[path] = [message];
    }

    public Dictionary<string, string[]> ToDictionary() => _errors;
}
