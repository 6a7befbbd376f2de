using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using PatternSync.Core.Idempotency;

namespace PatternSync.Core.Persistence.Configurations;

internal sealed class IdempotentRequestConfiguration : IEntityTypeConfiguration<IdempotentRequest>
{
    public void Configure(EntityTypeBuilder<IdempotentRequest> builder)
    {
        builder.ToTable("idempotent_requests");
        builder.HasKey(r => new { r.Caller, r.Key });
        builder.Property(r => r.Caller).HasMaxLength(64);
        builder.Property(r => r.Key).HasMaxLength(IdempotencyKeys.MaxLength);
        builder.Property(r => r.RequestHash).HasMaxLength(64).IsFixedLength();
        builder.Property(r => r.Response).HasColumnType("text"); // text, not jsonb: replayed byte for byte
        builder.HasIndex(r => r.CreatedAt);
    }
}
