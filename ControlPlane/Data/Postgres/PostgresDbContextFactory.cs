using Microsoft.EntityFrameworkCore;

namespace JumpCloudAdi.ControlPlane.Data.Postgres;

/// <summary>Hands out <see cref="PostgresControlPlaneDb"/> instances to code that asks for <see cref="ControlPlaneDb"/>.</summary>
internal sealed class PostgresDbContextFactory(IDbContextFactory<PostgresControlPlaneDb> inner) : IDbContextFactory<ControlPlaneDb>
{
    public ControlPlaneDb CreateDbContext() => inner.CreateDbContext();

    public async Task<ControlPlaneDb> CreateDbContextAsync(CancellationToken cancellationToken = default) =>
        await inner.CreateDbContextAsync(cancellationToken);
}
