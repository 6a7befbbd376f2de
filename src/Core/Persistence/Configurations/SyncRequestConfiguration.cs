using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using PatternSync.Core.Reconciliation;

namespace PatternSync.Core.Persistence.Configurations;

internal sealed class SyncRequestConfiguration : IEntityTypeConfiguration<SyncRequest>
{
    public void Configure(EntityTypeBuilder<SyncRequest> builder)
    {
        builder.ToTable("sync_requests");
        builder.HasKey(r => r.Kind);
        builder.Property(r => r.Kind).HasMaxLength(16);
    }
}
