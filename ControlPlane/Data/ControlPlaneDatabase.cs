using JumpCloudAdi.ControlPlane.Data.Postgres;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;

namespace JumpCloudAdi.ControlPlane.Data;

/// <summary>
/// Registers <see cref="ControlPlaneDb"/> for the configured provider and brings its schema up to date with that
/// provider's own migrations set: SQLite's in <c>Data/Migrations</c> (context <see cref="ControlPlaneDb"/>),
/// PostgreSQL's in <c>Data/Postgres/Migrations</c> (context <see cref="PostgresControlPlaneDb"/>).
/// </summary>
public static class ControlPlaneDatabase
{
    /// <summary>Session-level PostgreSQL advisory lock that serializes <c>Migrate</c> across replicas ("JCADIMIG").</summary>
    private const long MigrationLockKey = 0x4A43_4144_494D_4947;

    private static readonly TimeSpan _commandTimeout = TimeSpan.FromSeconds(30);

    /// <summary>Reads <c>Database:Provider</c>; unset means SQLite.</summary>
    public static DatabaseProvider ParseProvider(string? value) => value?.Trim().ToUpperInvariant() switch
    {
        null or "" or "SQLITE" => DatabaseProvider.Sqlite,
        "POSTGRES" or "POSTGRESQL" or "NPGSQL" => DatabaseProvider.Postgres,
        _ => throw new InvalidOperationException($"Database:Provider '{value}' is not supported; use Sqlite or Postgres."),
    };

    /// <summary>
    /// Registers <see cref="IDbContextFactory{ControlPlaneDb}"/> and a scoped <see cref="ControlPlaneDb"/> for the provider,
    /// so the rest of the app never needs to know which database it talks to.
    /// </summary>
    public static IServiceCollection AddControlPlaneDatabase(this IServiceCollection services, DatabaseProvider provider, string connectionString)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        var timeout = (int)_commandTimeout.TotalSeconds;
        // A list of ids in a query (a large group's members, a domain's users) goes as one array parameter (json_each on
        // SQLite, = ANY on PostgreSQL), not EF Core 10's default of one parameter per id: thousands of parameters cost
        // SQLite quadratic binding time inside the writer's transaction, and PostgreSQL allows at most 65,535.
        const ParameterTranslationMode collections = ParameterTranslationMode.Parameter;
        switch (provider)
        {
            case DatabaseProvider.Sqlite:
                var busyTimeout = new SqliteBusyTimeout(_commandTimeout);
                services.AddDbContextFactory<ControlPlaneDb>(o => o.UseSqlite(connectionString, s => s.CommandTimeout(timeout).UseParameterizedCollectionMode(collections))
                    .AddInterceptors(busyTimeout));
                break;
            case DatabaseProvider.Postgres:
                services.AddDbContextFactory<PostgresControlPlaneDb>(o => o.UseNpgsql(connectionString, s => s.CommandTimeout(timeout).UseParameterizedCollectionMode(collections)));
                services.AddSingleton<IDbContextFactory<ControlPlaneDb>, PostgresDbContextFactory>();
                services.AddScoped<ControlPlaneDb>(sp => sp.GetRequiredService<PostgresControlPlaneDb>());
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(provider), provider, "unknown database provider");
        }

        return services;
    }

    /// <summary>
    /// Applies the provider's pending migrations, then runs <paramref name="initialize"/> (if given): start-up writes
    /// that replicas starting together must not each make. Safe when several replicas start at once on one PostgreSQL
    /// database: one replica at a time migrates and initializes, holding the migration lock.
    /// </summary>
    public static void Migrate(IServiceProvider services, Action<IServiceProvider>? initialize = null)
    {
        using var scope = services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<ControlPlaneDb>();
        if (db.Database.IsNpgsql())
        {
            MigratePostgres(db, () => initialize?.Invoke(services));
            return;
        }

        var path = db.Database.GetDbConnection().DataSource;
        if (!string.IsNullOrEmpty(path) && Path.GetDirectoryName(Path.GetFullPath(path)) is { } dir)
        {
            Directory.CreateDirectory(dir);
        }

        MigrateChecked(db);
        // WAL lets agent sessions read while an API request writes.
        db.Database.ExecuteSqlRaw("PRAGMA journal_mode=WAL;");
        initialize?.Invoke(services);
    }

    /// <summary>Applies the pending migrations, with the checks and follow-ups some of them need (<see cref="IdentityKeyUpgrade"/>).</summary>
    private static void MigrateChecked(ControlPlaneDb db)
    {
        var identityKeys = IdentityKeyUpgrade.Pending([.. db.Database.GetPendingMigrations()]);
        if (identityKeys)
        {
            IdentityKeyUpgrade.CheckNoCollisions(db);
        }

        db.Database.Migrate();
        if (identityKeys)
        {
            IdentityKeyUpgrade.Rekey(db);
        }
    }

    private static void MigratePostgres(ControlPlaneDb db, Action initialize)
    {
        var creator = db.GetService<IRelationalDatabaseCreator>();
        if (!creator.Exists())
        {
            try
            {
                creator.Create();
            }
            catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.DuplicateDatabase or PostgresErrorCodes.UniqueViolation)
            {
                // Another replica created it first (a close race surfaces as a unique violation on pg_database).
            }
        }

        // Hold one session for the whole run: the advisory lock belongs to it, and Migrate uses the same connection.
        db.Database.OpenConnection();
        try
        {
            db.Database.ExecuteSql($"SELECT pg_advisory_lock({MigrationLockKey})");
            try
            {
                // Creating the history table first spares a new database the provider's spurious "Failed executing
                // DbCommand" error log for reading a history that is not there yet (npgsql/efcore.pg#3407).
                db.GetService<IHistoryRepository>().CreateIfNotExists();
                MigrateChecked(db);
                initialize();
            }
            finally
            {
                db.Database.ExecuteSql($"SELECT pg_advisory_unlock({MigrationLockKey})");
            }
        }
        finally
        {
            db.Database.CloseConnection();
        }
    }
}
