using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using PatternSync.Core.Patterns;

namespace PatternSync.Core.Persistence.Configurations;

internal sealed class PatternOutcomeConfiguration : IEntityTypeConfiguration<PatternOutcome>
{
    public void Configure(EntityTypeBuilder<PatternOutcome> builder)
    {
        builder.ToTable("pattern_outcomes");
        builder.HasKey(o => o.Id);
        builder.Property(o => o.Id).UseIdentityAlwaysColumn();
        builder.Property(o => o.Notes).HasMaxLength(OutcomeReport.MaxNotesLength);
        builder.Property(o => o.Caller).HasMaxLength(64);
        builder.Property(o => o.EmbeddingModel).HasMaxLength(200);
        // A deleted pattern's outcomes rank nothing any more: they go with it.
        builder.HasOne<SuccessPattern>().WithMany().HasForeignKey(o => o.PatternId).OnDelete(DeleteBehavior.Cascade);
        // A pattern's outcomes newest first, a page at a time (GET .../outcomes).
        builder.HasIndex(o => new { o.PatternId, o.Id });
    }
}
