namespace PatternSync.Core.Idempotency;

/// <summary>
/// A write that carried an <c>Idempotency-Key</c>, stored in the same transaction as the write, so a
/// retry of it (after a timeout, a dropped connection, a crash) gets the first answer instead of a
/// second pattern or a second counted outcome.
/// </summary>
public sealed class IdempotentRequest
{
    /// <summary>Who sent it: the API key's id, or empty when keys are not required.</summary>
    public required string Caller { get; set; }
    public required string Key { get; set; }
    /// <summary>SHA-256 of the method, path and body: the same key with another request is refused.</summary>
    public required string RequestHash { get; set; }
    /// <summary>The first, successful answer as JSON, bounded: what identifies it, and the response itself when small.</summary>
    public required string Response { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}
