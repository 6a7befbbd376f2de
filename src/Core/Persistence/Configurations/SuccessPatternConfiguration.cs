using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using PatternSync.Core.Patterns;

namespace PatternSync.Core.Persistence.Configurations;

internal sealed class SuccessPatternConfiguration : IEntityTypeConfiguration<SuccessPattern>
{
    public void Configure(EntityTypeBuilder<SuccessPattern> builder)
    {
        builder.ToTable("success_patterns", table =>
        {
            table.HasCheckConstraint("ck_success_patterns_status", "status IN ('active', 'deprecated', 'archived')");
            table.HasCheckConstraint("ck_success_patterns_success_rate", "success_rate IS NULL OR success_rate BETWEEN 0 AND 1");
            table.HasCheckConstraint("ck_success_patterns_quality_score", "quality_score BETWEEN 0 AND 1");
            table.HasCheckConstraint("ck_success_patterns_version", "version >= 1");
        });
        builder.HasKey(p => p.PatternId);
        builder.Property(p => p.PatternId).ValueGeneratedNever();
        builder.Property(p => p.PatternType).HasMaxLength(64);
        builder.Property(p => p.Name).HasMaxLength(200);
        builder.Property(p => p.Description).HasMaxLength(4000);
        builder.Property(p => p.ContextHash).HasMaxLength(64).IsFixedLength();
        builder.Property(p => p.ContentHash).HasMaxLength(64).IsFixedLength();
        builder.Property(p => p.ExecutionTrace).HasColumnType("jsonb");
        builder.Property(p => p.SuccessCriteria).HasColumnType("jsonb");
        builder.Property(p => p.QualityMetrics).HasColumnType("jsonb");
        builder.Property(p => p.PerformanceData).HasColumnType("jsonb");
        builder.Property(p => p.Tags).HasColumnType("text[]");
        builder.Property(p => p.Status).HasMaxLength(16);
        builder.Property(p => p.Version).IsConcurrencyToken();

        // The seed's lookups: type + status filters, tag overlap (tags && ARRAY[...]), newest first.
        builder.HasIndex(p => new { p.PatternType, p.Status });
        builder.HasIndex(p => p.Tags).HasMethod("gin");
        builder.HasIndex(p => new { p.CreatedAt, p.PatternId });
        builder.HasIndex(p => new { p.UpdatedAt, p.PatternId });
        builder.HasIndex(p => new { p.QualityScore, p.PatternId });
        builder.HasIndex(p => p.ContextHash);
        // The few rows the index does not hold yet, oldest first: the sync lag without a scan.
        builder.HasIndex(p => p.UpdatedAt)
            .HasDatabaseName("ix_success_patterns_not_indexed")
            .HasFilter("indexed_version IS DISTINCT FROM version");
    }
}
