using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace JumpCloudAdi.ControlPlane.Data.Migrations
{
    /// <inheritdoc />
    public partial class SyncHistory : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "ObjectId",
                table: "Changes",
                type: "TEXT",
                maxLength: 24,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "SyncHistory",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    DomainId = table.Column<string>(type: "TEXT", maxLength: 24, nullable: false),
                    ObjectId = table.Column<string>(type: "TEXT", maxLength: 24, nullable: false),
                    Seq = table.Column<long>(type: "INTEGER", nullable: false),
                    Kind = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    AgentId = table.Column<string>(type: "TEXT", maxLength: 24, nullable: false),
                    At = table.Column<long>(type: "INTEGER", nullable: false),
                    Outcome = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    Code = table.Column<int>(type: "INTEGER", nullable: false),
                    Message = table.Column<string>(type: "TEXT", maxLength: 1024, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_SyncHistory", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_Changes_DomainId_ObjectId_Seq",
                table: "Changes",
                columns: new[] { "DomainId", "ObjectId", "Seq" });

            migrationBuilder.CreateIndex(
                name: "IX_SyncHistory_DomainId_ObjectId_Id",
                table: "SyncHistory",
                columns: new[] { "DomainId", "ObjectId", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_SyncHistory_ObjectId",
                table: "SyncHistory",
                column: "ObjectId");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "SyncHistory");

            migrationBuilder.DropIndex(
                name: "IX_Changes_DomainId_ObjectId_Seq",
                table: "Changes");

            migrationBuilder.DropColumn(
                name: "ObjectId",
                table: "Changes");
        }
    }
}
