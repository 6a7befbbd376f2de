using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace PatternSync.Core.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class EmbeddedVectorIndex : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // The embedded vector index (VectorIndex:Provider = Postgres). Not part of the EF model:
            // PostgresPatternIndex owns it with plain SQL. change_seq orders every write, so each
            // process can refresh its in-memory copy with the rows changed since it last looked;
            // deletions stay as tombstones (deleted = true) for the same reason and for the version guard.
            migrationBuilder.Sql("""
                CREATE SEQUENCE pattern_vectors_change_seq;
                CREATE TABLE pattern_vectors (
                    pattern_id uuid PRIMARY KEY,
                    version integer NOT NULL,
                    deleted boolean NOT NULL DEFAULT false,
                    change_seq bigint NOT NULL DEFAULT nextval('pattern_vectors_change_seq'),
                    model text NOT NULL,
                    embedding real[],
                    content_hash text,
                    pattern_type text,
                    status text,
                    tags text[],
                    quality_score double precision,
                    success_rate double precision,
                    match_count integer,
                    created_at bigint,
                    last_matched_at bigint
                );
                CREATE INDEX ix_pattern_vectors_change_seq ON pattern_vectors (change_seq);
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP TABLE IF EXISTS pattern_vectors; DROP SEQUENCE IF EXISTS pattern_vectors_change_seq;");
        }
    }
}
