using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using PatternSync.Core.Matching;

namespace PatternSync.Core.Persistence.Configurations;

internal sealed class MatchRecordConfiguration : IEntityTypeConfiguration<MatchRecord>
{
    public void Configure(EntityTypeBuilder<MatchRecord> builder)
    {
        builder.ToTable("match_records");
        builder.HasKey(r => r.MatchId);
        builder.Property(r => r.EmbeddingModel).HasMaxLength(200);
        builder.Property(r => r.Filters).HasColumnType("jsonb");
        builder.Property(r => r.Ranking).HasMaxLength(32);
        // Records older than the retention are deleted in short batches.
        builder.HasIndex(r => r.CreatedAt);
    }
}
