using Microsoft.EntityFrameworkCore;
using PatternSync.Core.Idempotency;
using PatternSync.Core.Matching;
using PatternSync.Core.Outbox;
using PatternSync.Core.Patterns;
using PatternSync.Core.Reconciliation;
using PatternSync.Core.Security;

namespace PatternSync.Core.Persistence;

public sealed class PatternDbContext(DbContextOptions<PatternDbContext> options) : DbContext(options)
{
    public DbSet<SuccessPattern> Patterns => Set<SuccessPattern>();
    public DbSet<PatternOutcome> Outcomes => Set<PatternOutcome>();
    public DbSet<MatchRecord> MatchRecords => Set<MatchRecord>();
    public DbSet<OutboxMessage> OutboxMessages => Set<OutboxMessage>();
    public DbSet<ReconciliationRun> ReconciliationRuns => Set<ReconciliationRun>();
    public DbSet<ApiKey> ApiKeys => Set<ApiKey>();
    public DbSet<IdempotentRequest> IdempotentRequests => Set<IdempotentRequest>();
    public DbSet<SyncRequest> SyncRequests => Set<SyncRequest>();

    protected override void OnModelCreating(ModelBuilder modelBuilder) =>
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(PatternDbContext).Assembly);
}
