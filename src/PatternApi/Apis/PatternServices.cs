using PatternSync.Core.Persistence;
using PatternSync.PatternApi.Patterns;

namespace PatternSync.PatternApi.Apis;

/// <summary>What the pattern handlers need, bound with [AsParameters]: reads use the store, writes <see cref="PatternChanges"/>.</summary>
public sealed class PatternServices(PatternDbContext db, PatternChanges changes)
{
    public PatternDbContext Db { get; } = db;
    public PatternChanges Changes { get; } = changes;
}
