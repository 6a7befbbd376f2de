using PatternSync.Core.Persistence;

namespace PatternSync.PatternApi.Apis;

/// <summary>What the pattern handlers need, bound with [AsParameters].</summary>
public sealed class PatternServices(PatternDbContext db, TimeProvider clock)
{
    public PatternDbContext Db { get; } = db;
    public TimeProvider Clock { get; } = clock;
}
