using Microsoft.EntityFrameworkCore;
using PatternSync.Core.Outbox;
using PatternSync.Core.Patterns;

namespace PatternSync.Core.Persistence;

public sealed class PatternDbContext(DbContextOptions<PatternDbContext> options) : DbContext(options)
{
    public DbSet<SuccessPattern> Patterns => Set<SuccessPattern>();
    public DbSet<OutboxMessage> OutboxMessages => Set<OutboxMessage>();

    protected override void OnModelCreating(ModelBuilder modelBuilder) =>
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(PatternDbContext).Assembly);
}
