using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace PatternSync.Core.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class NotIndexedPatternsIndex : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "ix_success_patterns_not_indexed",
                table: "success_patterns",
                column: "updated_at",
                filter: "indexed_version IS DISTINCT FROM version");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_success_patterns_not_indexed",
                table: "success_patterns");
        }
    }
}
