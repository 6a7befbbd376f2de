using PatternSync.Core.Persistence;
using PatternSync.PatternApi.Idempotency;

namespace PatternSync.PatternApi.Apis;

/// <summary>What the pattern handlers need, bound with [AsParameters].</summary>
public sealed class PatternServices(PatternDbContext db, TimeProvider clock, IdempotentWrites idempotency)
{
    public PatternDbContext Db { get; } = db;
    public TimeProvider Clock { get; } = clock;
    public IdempotentWrites Idempotency { get; } = idempotency;
}
