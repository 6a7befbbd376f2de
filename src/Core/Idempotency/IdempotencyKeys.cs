namespace PatternSync.Core.Idempotency;

/// <summary>What an <c>Idempotency-Key</c> header may hold.</summary>
public static class IdempotencyKeys
{
    public const string Header = "Idempotency-Key";
    public const int MaxLength = 200;

    /// <returns>Why the value is not a usable key, or null when it is.</returns>
    public static string? Problem(string value) =>
        value.Length is 0 or > MaxLength ? $"must be 1 to {MaxLength} characters."
        : value.Any(c => c is < '!' or > '~') ? "may hold visible ASCII characters only (no spaces or control characters)."
        : null;
}
