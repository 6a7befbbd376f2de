using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using PatternSync.Core.Outbox;

namespace PatternSync.Core.Persistence.Configurations;

internal sealed class OutboxMessageConfiguration : IEntityTypeConfiguration<OutboxMessage>
{
    public void Configure(EntityTypeBuilder<OutboxMessage> builder)
    {
        builder.ToTable("outbox_messages");
        builder.HasKey(m => m.Id);
        builder.Property(m => m.Id).UseIdentityAlwaysColumn();
        builder.Property(m => m.MessageType).HasMaxLength(64);
        builder.HasIndex(m => m.MessageId).IsUnique();
        builder.Property(m => m.Payload).HasColumnType("jsonb");
        builder.Property(m => m.LastError).HasMaxLength(2000);
        builder.Property(m => m.TraceParent).HasMaxLength(55); // version-traceid-spanid-flags

        // The relay reads only unsent rows, oldest first, per pattern: keep those indexes small.
        builder.HasIndex(m => m.Id).HasDatabaseName("ix_outbox_messages_unsent").HasFilter("sent_at IS NULL");
        builder.HasIndex(m => new { m.PatternId, m.Id })
            .HasDatabaseName("ix_outbox_messages_unsent_by_pattern")
            .HasFilter("sent_at IS NULL");
        builder.HasIndex(m => m.SentAt).HasFilter("sent_at IS NOT NULL");
    }
}
