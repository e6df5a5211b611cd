using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace JumpCloudAdi.ControlPlane.Data.Postgres.Migrations
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
                type: "character varying(24)",
                maxLength: 24,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "SyncHistory",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    DomainId = table.Column<string>(type: "character varying(24)", maxLength: 24, nullable: false),
                    ObjectId = table.Column<string>(type: "character varying(24)", maxLength: 24, nullable: false),
                    Seq = table.Column<long>(type: "bigint", nullable: false),
                    Kind = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    AgentId = table.Column<string>(type: "character varying(24)", maxLength: 24, nullable: false),
                    At = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    Outcome = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    Code = table.Column<int>(type: "integer", nullable: false),
                    Message = table.Column<string>(type: "character varying(1024)", maxLength: 1024, nullable: false)
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
