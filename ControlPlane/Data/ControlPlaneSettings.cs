using Microsoft.EntityFrameworkCore;

namespace JumpCloudAdi.ControlPlane.Data;

/// <summary>Write-once access to <see cref="ControlPlaneSetting"/> rows.</summary>
public static class ControlPlaneSettings
{
    /// <summary>
    /// Stores <paramref name="candidate"/> under <paramref name="name"/> unless a value is already there, and returns
    /// the stored value. <c>INSERT ... ON CONFLICT DO NOTHING</c> (the same statement on SQLite and PostgreSQL) makes
    /// this safe when several replicas start at once: exactly one insert wins, every other caller reads the winner's
    /// value. <c>Inserted</c> is true only for the caller whose candidate became the stored value.
    /// </summary>
    public static (string Value, bool Inserted) GetOrAdd(ControlPlaneDb db, string name, string candidate)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(candidate);
        var inserted = db.Database.ExecuteSql(
            $"""INSERT INTO "Settings" ("Name", "Value") VALUES ({name}, {candidate}) ON CONFLICT ("Name") DO NOTHING""") == 1;
        var value = db.Settings.AsNoTracking().Where(s => s.Name == name).Select(s => s.Value).Single();
        return (value, inserted);
    }

    /// <summary>
    /// The hash of a secret the control plane generates for itself when none is configured (the admin API key, the
    /// portal password): the one stored under <paramref name="name"/>; else the one an older version kept in
    /// <paramref name="legacyFile"/> (adopted, then the file removed); else a new one from <paramref name="generate"/>.
    /// Its <c>Announcement</c> (the secret, shown once) goes to <paramref name="console"/> only when this caller's hash is
    /// the one stored: a replica that lost the race stays silent, as its secret would not work.
    /// </summary>
    public static string GetOrGenerate(ControlPlaneDb db, string name, string legacyFile,
        Func<(string Hash, string Announcement)> generate, TextWriter console)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(generate);
        ArgumentNullException.ThrowIfNull(console);
        var stored = db.Settings.AsNoTracking().Where(s => s.Name == name).Select(s => s.Value).SingleOrDefault();
        if (stored is not null)
        {
            return stored;
        }

        if (File.Exists(legacyFile))
        {
            var (adopted, _) = GetOrAdd(db, name, File.ReadAllText(legacyFile).Trim());
            File.Delete(legacyFile);
            return adopted;
        }

        var (hash, announcement) = generate();
        var (value, inserted) = GetOrAdd(db, name, hash);
        if (inserted)
        {
            // Deliberately to the console and not to the log pipeline: it is a secret.
            console.WriteLine(announcement);
        }

        return value;
    }
}
