using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;

namespace JumpCloudAdi.ControlPlane.Data;

/// <summary>
/// The control plane's directory model, change log and agent registry. The app always injects this type; on
/// PostgreSQL the instances are <see cref="Postgres.PostgresControlPlaneDb"/>, which only exists to own that
/// provider's migrations. It also holds the portal's Data Protection key ring (<see cref="DataProtectionKeys"/>) and
/// write-once settings such as the generated portal password's hash, so every replica on one database shares them.
/// </summary>
public class ControlPlaneDb : DbContext, IDataProtectionKeyContext
{
    public ControlPlaneDb(DbContextOptions<ControlPlaneDb> options)
        : base(options)
    {
    }

    /// <summary>For provider-specific subclasses that hold their own migrations set.</summary>
    protected ControlPlaneDb(DbContextOptions options)
        : base(options)
    {
    }

    public DbSet<AdDomain> Domains => Set<AdDomain>();
    public DbSet<AgentRecord> Agents => Set<AgentRecord>();
    public DbSet<SystemUser> Users => Set<SystemUser>();
    public DbSet<UserGroup> Groups => Set<UserGroup>();
    public DbSet<GroupMember> GroupMembers => Set<GroupMember>();
    public DbSet<DomainAssociation> Associations => Set<DomainAssociation>();
    public DbSet<ChangeEntry> Changes => Set<ChangeEntry>();
    public DbSet<SyncStatusRecord> SyncStatuses => Set<SyncStatusRecord>();
    public DbSet<SyncHistoryEntry> SyncHistory => Set<SyncHistoryEntry>();
    public DbSet<ControlPlaneSetting> Settings => Set<ControlPlaneSetting>();
    public DbSet<ImportedObject> ImportedObjects => Set<ImportedObject>();
    public DbSet<ImportRun> ImportRuns => Set<ImportRun>();

    /// <summary>Each user's current password, encrypted (see <see cref="Passwords.PasswordVault"/>).</summary>
    public DbSet<PasswordVaultEntry> PasswordVault => Set<PasswordVaultEntry>();

    /// <summary>The portal's Data Protection key ring (XML, not encrypted at rest: see <c>PortalExtensions</c>).</summary>
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        ArgumentNullException.ThrowIfNull(configurationBuilder);
        // Vocabulary enums are stored as the strings JumpCloud uses on the wire, as these columns always held them.
        configurationBuilder.Properties<AgentType>().HaveConversion<WireValueConverter<AgentType>>();
        configurationBuilder.Properties<UseCase>().HaveConversion<WireValueConverter<UseCase>>();
        configurationBuilder.Properties<SyncOutcomeKind>().HaveConversion<WireValueConverter<SyncOutcomeKind>>();
    }

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<AdDomain>(e =>
        {
            e.HasKey(d => d.Id);
            e.Property(d => d.Id).HasMaxLength(24);
            e.HasIndex(d => d.Domain).IsUnique();
            // Optimistic concurrency for sequence allocation and lease grants across replicas.
            e.Property(d => d.LastSeq).IsConcurrencyToken();
            e.Property(d => d.LeaseEpoch).IsConcurrencyToken();
        });
        modelBuilder.Entity<AgentRecord>(e =>
        {
            e.HasKey(a => a.Id);
            e.HasIndex(a => a.DomainId);
            e.HasIndex(a => a.ConnectKeyHash).IsUnique();
            // An agent (and its connect key) belongs to one domain and goes with it.
            e.HasOne<AdDomain>().WithMany().HasForeignKey(a => a.DomainId).OnDelete(DeleteBehavior.Cascade);
            e.Property(a => a.KeyConsumedAt).IsConcurrencyToken();
        });
        modelBuilder.Entity<SystemUser>(e =>
        {
            e.HasKey(u => u.Id);
            // Unique ignoring case, as the directory compares them (IdentityKey).
            e.HasIndex(u => u.UsernameKey).IsUnique();
            e.HasIndex(u => u.EmailKey).IsUnique();
            // JumpCloud: "Must be unique per user"; unset (NULL) ones do not collide on either provider.
            e.HasIndex(u => u.EmployeeIdentifier).IsUnique();
            e.Property(u => u.EmployeeIdentifier).HasMaxLength(256);
            foreach (var name in new[]
                     {
                         nameof(SystemUser.Middlename), nameof(SystemUser.Displayname), nameof(SystemUser.JobTitle), nameof(SystemUser.Department),
                         nameof(SystemUser.CostCenter), nameof(SystemUser.Company), nameof(SystemUser.EmployeeType), nameof(SystemUser.Description),
                         nameof(SystemUser.Location), nameof(SystemUser.AlternateEmail),
                     })
            {
                e.Property<string?>(name).HasMaxLength(1024);
            }

            e.Property(u => u.Manager).HasMaxLength(24);
        });
        modelBuilder.Entity<UserGroup>(e =>
        {
            e.HasKey(g => g.Id);
            e.HasIndex(g => g.NameKey).IsUnique();
        });
        modelBuilder.Entity<GroupMember>(e =>
        {
            e.HasKey(m => new { m.GroupId, m.UserId });
            e.HasIndex(m => m.UserId);
            // A membership means nothing once either side is deleted.
            e.HasOne<UserGroup>().WithMany().HasForeignKey(m => m.GroupId).OnDelete(DeleteBehavior.Cascade);
            e.HasOne<SystemUser>().WithMany().HasForeignKey(m => m.UserId).OnDelete(DeleteBehavior.Cascade);
        });
        modelBuilder.Entity<DomainAssociation>(e =>
        {
            e.HasKey(a => new { a.DomainId, a.TargetType, a.TargetId });
            e.HasIndex(a => new { a.TargetType, a.TargetId });
            // The target is a user or a group (no single foreign key): the user and group commands remove those rows.
            e.HasOne<AdDomain>().WithMany().HasForeignKey(a => a.DomainId).OnDelete(DeleteBehavior.Cascade);
        });
        modelBuilder.Entity<ChangeEntry>(e =>
        {
            e.HasKey(c => c.Id);
            e.HasIndex(c => new { c.DomainId, c.Seq }).IsUnique();
            e.Property(c => c.ObjectId).HasMaxLength(24);
            e.HasIndex(c => new { c.DomainId, c.ObjectId, c.Seq });
            // A domain's change log is meaningless without the domain.
            e.HasOne<AdDomain>().WithMany().HasForeignKey(c => c.DomainId).OnDelete(DeleteBehavior.Cascade);
        });
        modelBuilder.Entity<SyncHistoryEntry>(e =>
        {
            e.HasKey(h => h.Id);
            e.Property(h => h.DomainId).HasMaxLength(24);
            e.Property(h => h.ObjectId).HasMaxLength(24);
            e.Property(h => h.AgentId).HasMaxLength(24);
            e.Property(h => h.Kind).HasMaxLength(32);
            e.Property(h => h.Outcome).HasMaxLength(16);
            e.Property(h => h.Message).HasMaxLength(History.SyncHistory.MaxMessageLength);
            e.HasIndex(h => new { h.DomainId, h.ObjectId, h.Id });
            e.HasIndex(h => h.ObjectId);
            e.HasOne<AdDomain>().WithMany().HasForeignKey(h => h.DomainId).OnDelete(DeleteBehavior.Cascade);
        });
        modelBuilder.Entity<SyncStatusRecord>(e =>
        {
            e.HasKey(s => new { s.DomainId, s.ObjectId });
            e.HasOne<AdDomain>().WithMany().HasForeignKey(s => s.DomainId).OnDelete(DeleteBehavior.Cascade);
        });
        modelBuilder.Entity<ImportedObject>(e =>
        {
            e.HasKey(o => new { o.DomainId, o.Kind, o.Anchor });
            e.Property(o => o.DomainId).HasMaxLength(24);
            e.Property(o => o.Kind).HasMaxLength(8);
            e.Property(o => o.Anchor).HasMaxLength(64);
            e.Property(o => o.ObjectId).HasMaxLength(24);
            e.HasIndex(o => o.ObjectId);
            e.HasOne<AdDomain>().WithMany().HasForeignKey(o => o.DomainId).OnDelete(DeleteBehavior.Cascade);
        });
        modelBuilder.Entity<ImportRun>(e =>
        {
            e.HasKey(r => r.Id);
            e.Property(r => r.DomainId).HasMaxLength(24);
            e.Property(r => r.AgentId).HasMaxLength(24);
            e.HasIndex(r => new { r.DomainId, r.Id });
            e.HasOne<AdDomain>().WithMany().HasForeignKey(r => r.DomainId).OnDelete(DeleteBehavior.Cascade);
        });
        modelBuilder.Entity<PasswordVaultEntry>(e =>
        {
            e.HasKey(v => v.UserId);
            e.Property(v => v.UserId).HasMaxLength(24);
            e.Property(v => v.KeyId).HasMaxLength(128);
            // Deleting a user erases its password (issue: nothing recoverable is kept for a user that is gone).
            e.HasOne<SystemUser>().WithOne().HasForeignKey<PasswordVaultEntry>(v => v.UserId).OnDelete(DeleteBehavior.Cascade);
        });
        modelBuilder.Entity<ControlPlaneSetting>(e =>
        {
            // ControlPlaneSettings.GetOrAdd names this table in its SQL.
            e.ToTable("Settings");
            e.HasKey(s => s.Name);
            e.Property(s => s.Name).HasMaxLength(64);
        });

        // SQLite cannot order or compare DateTimeOffset natively; store UTC ticks so queries translate everywhere.
        if (Database.IsSqlite())
        {
            foreach (var entity in modelBuilder.Model.GetEntityTypes())
            {
                foreach (var property in entity.GetProperties())
                {
                    if (property.ClrType == typeof(DateTimeOffset) || property.ClrType == typeof(DateTimeOffset?))
                    {
                        property.SetValueConverter(new Microsoft.EntityFrameworkCore.Storage.ValueConversion.DateTimeOffsetToBinaryConverter());
                    }
                }
            }
        }
    }
}
