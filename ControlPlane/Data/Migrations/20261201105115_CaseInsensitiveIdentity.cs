using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace JumpCloudAdi.ControlPlane.Data.Migrations
{
    /// <inheritdoc />
    public partial class CaseInsensitiveIdentity : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Users_Email",
                table: "Users");

            migrationBuilder.DropIndex(
                name: "IX_Users_Username",
                table: "Users");

            migrationBuilder.DropIndex(
                name: "IX_Groups_Name",
                table: "Groups");

            migrationBuilder.AddColumn<string>(
                name: "EmailKey",
                table: "Users",
                type: "TEXT",
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<string>(
                name: "UsernameKey",
                table: "Users",
                type: "TEXT",
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<string>(
                name: "NameKey",
                table: "Groups",
                type: "TEXT",
                nullable: false,
                defaultValue: "");

            // Fill the keys (ASCII folding in SQL; IdentityKeyUpgrade re-folds the rest in .NET after the migration). Before
            // this runs, IdentityKeyUpgrade.CheckNoCollisions has refused to start if two names would share a key.
            migrationBuilder.Sql("UPDATE \"Users\" SET \"UsernameKey\" = upper(\"Username\"), \"EmailKey\" = upper(\"Email\");");
            migrationBuilder.Sql("UPDATE \"Groups\" SET \"NameKey\" = upper(\"Name\");");

            migrationBuilder.CreateIndex(
                name: "IX_Users_EmailKey",
                table: "Users",
                column: "EmailKey",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_Users_UsernameKey",
                table: "Users",
                column: "UsernameKey",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_Groups_NameKey",
                table: "Groups",
                column: "NameKey",
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Users_EmailKey",
                table: "Users");

            migrationBuilder.DropIndex(
                name: "IX_Users_UsernameKey",
                table: "Users");

            migrationBuilder.DropIndex(
                name: "IX_Groups_NameKey",
                table: "Groups");

            migrationBuilder.DropColumn(
                name: "EmailKey",
                table: "Users");

            migrationBuilder.DropColumn(
                name: "UsernameKey",
                table: "Users");

            migrationBuilder.DropColumn(
                name: "NameKey",
                table: "Groups");

            migrationBuilder.CreateIndex(
                name: "IX_Users_Email",
                table: "Users",
                column: "Email",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_Users_Username",
                table: "Users",
                column: "Username",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_Groups_Name",
                table: "Groups",
                column: "Name",
                unique: true);
        }
    }
}
