using Microsoft.EntityFrameworkCore;

namespace JumpCloudAdi.ControlPlane.Data;

/// <summary>
/// The upgrade to case-insensitive usernames, emails and group names (migration <c>CaseInsensitiveIdentity</c>):
/// before it runs, existing names that differ only in case stop the start with a list of them, and nothing is
/// changed (no migration is applied); after it, every key is folded in .NET (<see cref="IdentityKey"/>), since the
/// migration's SQL folds only ASCII the same way on every database.
/// </summary>
public static class IdentityKeyUpgrade
{
    public const string MigrationName = "CaseInsensitiveIdentity";

    /// <summary>True when this database still has to take the migration (and has tables to check).</summary>
    public static bool Pending(IReadOnlyCollection<string> pendingMigrations)
    {
        ArgumentNullException.ThrowIfNull(pendingMigrations);
        return pendingMigrations.Any(m => m.EndsWith("_" + MigrationName, StringComparison.Ordinal))
               && !pendingMigrations.Any(m => m.EndsWith("_Initial", StringComparison.Ordinal));
    }

    /// <summary>Throws <see cref="IdentityCollisionException"/> listing every set of names that would share a key.</summary>
    public static void CheckNoCollisions(ControlPlaneDb db)
    {
        ArgumentNullException.ThrowIfNull(db);
        // Only the columns the old schema has: the key columns do not exist yet.
        var users = db.Users.AsNoTracking().Select(u => new { u.Id, u.Username, u.Email }).ToList();
        var groups = db.Groups.AsNoTracking().Select(g => new { g.Id, g.Name }).ToList();
        var problems = Collisions("usernames", users.Select(u => (u.Id, u.Username)))
            .Concat(Collisions("emails", users.Select(u => (u.Id, u.Email))))
            .Concat(Collisions("user group names", groups.Select(g => (g.Id, g.Name))))
            .ToList();
        if (problems.Count > 0)
        {
            throw new IdentityCollisionException(
                "The database holds names that differ only in case, which the directory treats as one account. Nothing was changed. " +
                "Rename or delete all but one of each (with the previous version, or in the database), then start again: " +
                string.Join("; ", problems));
        }
    }

    /// <summary>Folds every key in .NET (run once, right after the migration).</summary>
    public static void Rekey(ControlPlaneDb db)
    {
        ArgumentNullException.ThrowIfNull(db);
        foreach (var user in db.Users.ToList())
        {
            // Assigning runs the setters, which fold the keys; unchanged ones are not written.
            user.Username = user.Username;
            user.Email = user.Email;
        }

        foreach (var group in db.Groups.ToList())
        {
            group.Name = group.Name;
        }

        db.SaveChanges();
        db.ChangeTracker.Clear();
    }

    private static IEnumerable<string> Collisions(string what, IEnumerable<(string Id, string Value)> rows) =>
        rows.GroupBy(r => IdentityKey.Of(r.Value))
            .Where(g => g.Count() > 1)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => $"{what} {string.Join(", ", g.Select(r => $"'{r.Value}' (id {r.Id})"))}");
}

/// <summary>The database cannot be upgraded as it is; the message says what to change.</summary>
public sealed class IdentityCollisionException(string message) : InvalidOperationException(message);
