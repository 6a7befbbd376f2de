using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace PatternSync.Core.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class EmbeddedIndexCommitOrder : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // A change_seq is drawn when a statement runs, not when its transaction commits, so a reader
            // cannot tell from it alone which rows may still appear below what it has read. Each row also
            // records the transaction that wrote it: a reader re-reads exactly the rows of transactions
            // that were still in flight at its last look (PostgresPatternIndex). One trigger sets both,
            // so no write can forget either.
            migrationBuilder.Sql("""
                ALTER TABLE pattern_vectors ADD COLUMN writer_xid bigint NOT NULL DEFAULT 0;
                ALTER TABLE pattern_vectors ALTER COLUMN change_seq DROP DEFAULT;
                CREATE INDEX ix_pattern_vectors_writer_xid ON pattern_vectors (writer_xid);
                CREATE FUNCTION pattern_vectors_stamp() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    NEW.change_seq := nextval('pattern_vectors_change_seq');
                    NEW.writer_xid := pg_current_xact_id()::text::bigint;
                    RETURN NEW;
                END $$;
                CREATE TRIGGER pattern_vectors_stamp BEFORE INSERT OR UPDATE ON pattern_vectors
                    FOR EACH ROW EXECUTE FUNCTION pattern_vectors_stamp();
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                DROP TRIGGER IF EXISTS pattern_vectors_stamp ON pattern_vectors;
                DROP FUNCTION IF EXISTS pattern_vectors_stamp();
                ALTER TABLE pattern_vectors ALTER COLUMN change_seq SET DEFAULT nextval('pattern_vectors_change_seq');
                ALTER TABLE pattern_vectors DROP COLUMN IF EXISTS writer_xid;
                """);
        }
    }
}
