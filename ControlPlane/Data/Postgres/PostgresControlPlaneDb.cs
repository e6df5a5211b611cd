using Microsoft.EntityFrameworkCore;

namespace JumpCloudAdi.ControlPlane.Data.Postgres;

/// <summary>
/// <see cref="ControlPlaneDb"/> on PostgreSQL. It adds nothing to the model; EF Core finds migrations by context type,
/// so this type owns the PostgreSQL migrations set (<c>Data/Postgres/Migrations</c>) while SQLite keeps its own.
/// </summary>
public sealed class PostgresControlPlaneDb(DbContextOptions<PostgresControlPlaneDb> options) : ControlPlaneDb(options);
