using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace PatternSync.Core.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class InitialPatternStore : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "outbox_messages",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityAlwaysColumn),
                    message_id = table.Column<Guid>(type: "uuid", nullable: false),
                    message_type = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    payload = table.Column<string>(type: "jsonb", nullable: false),
                    pattern_id = table.Column<Guid>(type: "uuid", nullable: false),
                    pattern_version = table.Column<int>(type: "integer", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    sent_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    attempts = table.Column<int>(type: "integer", nullable: false),
                    last_error = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    next_attempt_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_outbox_messages", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "success_patterns",
                columns: table => new
                {
                    pattern_id = table.Column<Guid>(type: "uuid", nullable: false),
                    pattern_type = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    description = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: false),
                    context_hash = table.Column<string>(type: "character(64)", fixedLength: true, maxLength: 64, nullable: false),
                    execution_trace = table.Column<string>(type: "jsonb", nullable: false),
                    success_criteria = table.Column<string>(type: "jsonb", nullable: false),
                    quality_metrics = table.Column<string>(type: "jsonb", nullable: false),
                    performance_data = table.Column<string>(type: "jsonb", nullable: false),
                    tags = table.Column<string[]>(type: "text[]", nullable: false),
                    status = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    version = table.Column<int>(type: "integer", nullable: false),
                    quality_score = table.Column<double>(type: "double precision", nullable: false),
                    success_rate = table.Column<double>(type: "double precision", nullable: true),
                    match_count = table.Column<int>(type: "integer", nullable: false),
                    success_count = table.Column<int>(type: "integer", nullable: false),
                    failure_count = table.Column<int>(type: "integer", nullable: false),
                    content_hash = table.Column<string>(type: "character(64)", fixedLength: true, maxLength: 64, nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    last_matched_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    indexed_version = table.Column<int>(type: "integer", nullable: true),
                    indexed_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_success_patterns", x => x.pattern_id);
                    table.CheckConstraint("ck_success_patterns_quality_score", "quality_score BETWEEN 0 AND 1");
                    table.CheckConstraint("ck_success_patterns_status", "status IN ('active', 'deprecated', 'archived')");
                    table.CheckConstraint("ck_success_patterns_success_rate", "success_rate IS NULL OR success_rate BETWEEN 0 AND 1");
                    table.CheckConstraint("ck_success_patterns_version", "version >= 1");
                });

            migrationBuilder.CreateIndex(
                name: "ix_outbox_messages_message_id",
                table: "outbox_messages",
                column: "message_id",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_outbox_messages_sent_at",
                table: "outbox_messages",
                column: "sent_at",
                filter: "sent_at IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "ix_outbox_messages_unsent",
                table: "outbox_messages",
                column: "id",
                filter: "sent_at IS NULL");

            migrationBuilder.CreateIndex(
                name: "ix_outbox_messages_unsent_by_pattern",
                table: "outbox_messages",
                columns: new[] { "pattern_id", "id" },
                filter: "sent_at IS NULL");

            migrationBuilder.CreateIndex(
                name: "ix_success_patterns_context_hash",
                table: "success_patterns",
                column: "context_hash");

            migrationBuilder.CreateIndex(
                name: "ix_success_patterns_created_at_pattern_id",
                table: "success_patterns",
                columns: new[] { "created_at", "pattern_id" });

            migrationBuilder.CreateIndex(
                name: "ix_success_patterns_pattern_type_status",
                table: "success_patterns",
                columns: new[] { "pattern_type", "status" });

            migrationBuilder.CreateIndex(
                name: "ix_success_patterns_quality_score_pattern_id",
                table: "success_patterns",
                columns: new[] { "quality_score", "pattern_id" });

            migrationBuilder.CreateIndex(
                name: "ix_success_patterns_tags",
                table: "success_patterns",
                column: "tags")
                .Annotation("Npgsql:IndexMethod", "gin");

            migrationBuilder.CreateIndex(
                name: "ix_success_patterns_updated_at_pattern_id",
                table: "success_patterns",
                columns: new[] { "updated_at", "pattern_id" });

            // NOTIFY is delivered at commit, so the relay wakes exactly when a change becomes visible.
            migrationBuilder.Sql("""
                CREATE FUNCTION notify_outbox_message() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    PERFORM pg_notify('patternsync_outbox', '');
                    RETURN NULL;
                END $$;
                CREATE TRIGGER outbox_messages_notify AFTER INSERT ON outbox_messages
                    FOR EACH STATEMENT EXECUTE FUNCTION notify_outbox_message();
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                DROP TRIGGER IF EXISTS outbox_messages_notify ON outbox_messages;
                DROP FUNCTION IF EXISTS notify_outbox_message();
                """);
            migrationBuilder.DropTable(
                name: "outbox_messages");

            migrationBuilder.DropTable(
                name: "success_patterns");
        }
    }
}
