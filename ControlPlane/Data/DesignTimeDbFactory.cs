using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace JumpCloudAdi.ControlPlane.Data;

/// <summary>Lets <c>dotnet ef migrations add</c> build the model without starting the web host.</summary>
internal sealed class DesignTimeDbFactory : IDesignTimeDbContextFactory<ControlPlaneDb>
{
    public ControlPlaneDb CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<ControlPlaneDb>().UseSqlite("Data Source=design-time.db").Options);
}
