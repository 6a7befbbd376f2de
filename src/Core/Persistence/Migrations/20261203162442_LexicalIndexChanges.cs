using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace PatternSync.Core.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class LexicalIndexChanges : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // Each API process keeps a lexical index of the patterns in memory (PatternLexicalIndex) and, before a search,
            // applies the rows of transactions it has not seen commit, as the embedded vector index does: every pattern
            // row carries the change_seq and writer xid of its last write, and a deletion leaves a tombstone with its own.
            // The rows of the EF model stay as they are; the triggers set the columns, so no write can forget them.
            migrationBuilder.Sql("""
                CREATE SEQUENCE pattern_change_seq;
                ALTER TABLE success_patterns ADD COLUMN change_seq bigint NOT NULL DEFAULT 0;
                ALTER TABLE success_patterns ADD COLUMN writer_xid bigint NOT NULL DEFAULT 0;
                UPDATE success_patterns SET change_seq = nextval('pattern_change_seq');
                CREATE INDEX ix_success_patterns_change_seq ON success_patterns (change_seq);
                CREATE INDEX ix_success_patterns_writer_xid ON success_patterns (writer_xid);
                CREATE TABLE pattern_tombstones (
                    pattern_id uuid NOT NULL,
                    change_seq bigint NOT NULL,
                    writer_xid bigint NOT NULL,
                    created_at timestamptz NOT NULL DEFAULT now());
                CREATE INDEX ix_pattern_tombstones_change_seq ON pattern_tombstones (change_seq);
                CREATE INDEX ix_pattern_tombstones_writer_xid ON pattern_tombstones (writer_xid);
                CREATE INDEX ix_pattern_tombstones_created_at ON pattern_tombstones (created_at);
                CREATE FUNCTION success_patterns_stamp() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    NEW.change_seq := nextval('pattern_change_seq');
                    NEW.writer_xid := pg_current_xact_id()::text::bigint;
                    RETURN NEW;
                END $$;
                CREATE TRIGGER success_patterns_stamp BEFORE INSERT OR UPDATE ON success_patterns
                    FOR EACH ROW EXECUTE FUNCTION success_patterns_stamp();
                CREATE FUNCTION success_patterns_tombstone() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    INSERT INTO pattern_tombstones (pattern_id, change_seq, writer_xid)
                    VALUES (OLD.pattern_id, nextval('pattern_change_seq'), pg_current_xact_id()::text::bigint);
                    RETURN OLD;
                END $$;
                CREATE TRIGGER success_patterns_tombstone AFTER DELETE ON success_patterns
                    FOR EACH ROW EXECUTE FUNCTION success_patterns_tombstone();
                -- A TRUNCATE deletes every row without row triggers: its tombstone, the nil id, stands for all of them.
                CREATE FUNCTION success_patterns_truncated() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    INSERT INTO pattern_tombstones (pattern_id, change_seq, writer_xid)
                    VALUES ('00000000-0000-0000-0000-000000000000', nextval('pattern_change_seq'),
                        pg_current_xact_id()::text::bigint);
                    RETURN NULL;
                END $$;
                CREATE TRIGGER success_patterns_truncated AFTER TRUNCATE ON success_patterns
                    FOR EACH STATEMENT EXECUTE FUNCTION success_patterns_truncated();
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                DROP TRIGGER IF EXISTS success_patterns_truncated ON success_patterns;
                DROP FUNCTION IF EXISTS success_patterns_truncated();
                DROP TRIGGER IF EXISTS success_patterns_tombstone ON success_patterns;
                DROP FUNCTION IF EXISTS success_patterns_tombstone();
                DROP TRIGGER IF EXISTS success_patterns_stamp ON success_patterns;
                DROP FUNCTION IF EXISTS success_patterns_stamp();
                DROP TABLE IF EXISTS pattern_tombstones;
                ALTER TABLE success_patterns DROP COLUMN IF EXISTS writer_xid;
                ALTER TABLE success_patterns DROP COLUMN IF EXISTS change_seq;
                DROP SEQUENCE IF EXISTS pattern_change_seq;
                """);
        }
    }
}
