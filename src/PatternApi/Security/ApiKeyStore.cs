using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using PatternSync.Core.Persistence;
using PatternSync.Core.Security;

namespace PatternSync.PatternApi.Security;

/// <summary>Creates, lists, revokes and verifies API keys. A key is shown once, at creation; only its hash is kept.</summary>
public sealed class ApiKeyStore(PatternDbContext db, TimeProvider clock)
{
    /// <returns>The stored key and the key value itself, "ps_{prefix}_{secret}".</returns>
    public async Task<(ApiKey Key, string Value)> CreateAsync(
        string name, IReadOnlyCollection<string> scopes, CancellationToken cancellationToken)
    {
        var unknown = scopes.Except(Scopes.All).ToList();
        if (unknown.Count > 0)
            throw new ArgumentException($"Unknown scopes: {string.Join(", ", unknown)}. Known: {string.Join(", ", Scopes.All)}.");
        var prefix = "ps_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4));
        var secret = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var value = $"{prefix}_{secret}";
        var key = new ApiKey
        {
            Id = Guid.CreateVersion7(), Name = name, Prefix = prefix, KeyHash = Hash(value), Scopes = scopes.Distinct().ToArray(),
            CreatedAt = clock.GetUtcNowForPostgres(),
        };
        db.ApiKeys.Add(key);
        await db.SaveChangesAsync(cancellationToken);
        return (key, value);
    }

    public Task<List<ApiKey>> ListAsync(CancellationToken cancellationToken) =>
        db.ApiKeys.AsNoTracking().OrderBy(k => k.CreatedAt).ToListAsync(cancellationToken);

    /// <returns>false when no active key has that id or prefix.</returns>
    public async Task<bool> RevokeAsync(string idOrPrefix, CancellationToken cancellationToken)
    {
        var key = Guid.TryParse(idOrPrefix, out var id)
            ? await db.ApiKeys.FirstOrDefaultAsync(k => k.Id == id && k.RevokedAt == null, cancellationToken)
            : await db.ApiKeys.FirstOrDefaultAsync(k => k.Prefix == idOrPrefix && k.RevokedAt == null, cancellationToken);
        if (key is null) return false;
        key.RevokedAt = clock.GetUtcNowForPostgres();
        await db.SaveChangesAsync(cancellationToken);
        return true;
    }

    /// <returns>The active key the value belongs to, or null.</returns>
    public async Task<ApiKey?> VerifyAsync(string value, CancellationToken cancellationToken)
    {
        var parts = value.Split('_', 3); // the secret itself may contain '_'

        if (parts.Length != 3 || parts[0] != "ps") return null;
        var key = await db.ApiKeys.AsNoTracking()
            .FirstOrDefaultAsync(k => k.Prefix == $"ps_{parts[1]}" && k.RevokedAt == null, cancellationToken);
        if (key is null) return null;
        var matches = CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Hash(value)), Encoding.ASCII.GetBytes(key.KeyHash));
        return matches ? key : null;
    }

    private static string Hash(string value) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(value)));
}
