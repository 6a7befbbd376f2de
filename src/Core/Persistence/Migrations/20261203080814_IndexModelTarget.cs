using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace PatternSync.Core.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class IndexModelTarget : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // The model the index is meant to hold (IndexModelTarget owns it with plain SQL): one row at most.
            migrationBuilder.Sql("""
                CREATE TABLE index_model_target (
                    singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
                    model text NOT NULL,
                    recorded_at timestamptz NOT NULL DEFAULT now(),
                    reason text NOT NULL
                );
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP TABLE IF EXISTS index_model_target;");
        }
    }
}
