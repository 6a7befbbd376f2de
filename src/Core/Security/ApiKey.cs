namespace PatternSync.Core.Security;

/// <summary>
/// An API key: only its SHA-256 is stored (keys are 256 random bits, so a fast hash is enough);
/// the prefix finds the row, the hash is compared in constant time.
/// </summary>
public sealed class ApiKey
{
    public Guid Id { get; set; }
    public required string Name { get; set; }
    /// <summary>The key's public part, "ps_xxxxxxxx", shown in listings and logs.</summary>
    public required string Prefix { get; set; }
    public required string KeyHash { get; set; }
    public required string[] Scopes { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? RevokedAt { get; set; }
}
