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
}
