using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace JumpCloudAdi.ControlPlane.Data.Postgres;

/// <summary>
/// Lets <c>dotnet ef migrations add --context PostgresControlPlaneDb</c> build the PostgreSQL model without a server
/// (scaffolding never connects).
/// </summary>
internal sealed class PostgresDesignTimeDbFactory : IDesignTimeDbContextFactory<PostgresControlPlaneDb>
{
    public PostgresControlPlaneDb CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<PostgresControlPlaneDb>().UseNpgsql("Host=localhost;Database=design_time").Options);
}
