namespace JumpCloudAdi.ControlPlane.Data;

/// <summary>
/// The case-folded form of a username, email or group name, kept in its own uniquely indexed column: Active Directory
/// (sAMAccountName, cn) and LDAP equality matching ignore case, so two names that differ only in case are one account.
/// Folded in .NET (invariant upper case), not by the database, so SQLite and PostgreSQL agree for every script.
/// </summary>
public static class IdentityKey
{
    public static string Of(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return value.ToUpperInvariant();
    }
}
