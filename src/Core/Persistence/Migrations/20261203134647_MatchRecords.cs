using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace PatternSync.Core.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class MatchRecords : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "embedding_model",
                table: "pattern_outcomes",
                type: "character varying(200)",
                maxLength: 200,
                nullable: true);

            migrationBuilder.AddColumn<float[]>(
                name: "query_embedding",
                table: "pattern_outcomes",
                type: "real[]",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "match_records",
                columns: table => new
                {
                    match_id = table.Column<Guid>(type: "uuid", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    embedding_model = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    query_embedding = table.Column<float[]>(type: "real[]", nullable: false),
                    filters = table.Column<string>(type: "jsonb", nullable: true),
                    ranking = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    pattern_ids = table.Column<Guid[]>(type: "uuid[]", nullable: false),
                    similarities = table.Column<float[]>(type: "real[]", nullable: false),
                    rank_scores = table.Column<float[]>(type: "real[]", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_match_records", x => x.match_id);
                });

            migrationBuilder.CreateIndex(
                name: "ix_match_records_created_at",
                table: "match_records",
                column: "created_at");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "match_records");

            migrationBuilder.DropColumn(
                name: "embedding_model",
                table: "pattern_outcomes");

            migrationBuilder.DropColumn(
                name: "query_embedding",
                table: "pattern_outcomes");
        }
    }
}
