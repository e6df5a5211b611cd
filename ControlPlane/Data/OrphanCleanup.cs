using Microsoft.EntityFrameworkCore.Migrations;

namespace JumpCloudAdi.ControlPlane.Data;

/// <summary>
/// Before the foreign keys of migration <c>DeclareRelationships</c> are added, removes the rows they would refuse: rows
/// that still name a domain, user or group deleted by an older version (which deleted related rows by hand). Such rows
/// were already invisible to every query, so nothing an administrator can see is lost. The SQL quotes identifiers the
/// way both SQLite and PostgreSQL accept.
/// </summary>
public static class OrphanCleanup
{
    private static readonly (string Table, string Column, string Principal)[] _references =
    [
        ("Agents", "DomainId", "Domains"),
        ("Associations", "DomainId", "Domains"),
        ("Changes", "DomainId", "Domains"),
        ("SyncStatuses", "DomainId", "Domains"),
        ("SyncHistory", "DomainId", "Domains"),
        ("GroupMembers", "GroupId", "Groups"),
        ("GroupMembers", "UserId", "Users"),
        ("PasswordVault", "UserId", "Users"),
    ];

    public static void DeleteOrphans(MigrationBuilder migration)
    {
        foreach (var (table, column, principal) in _references)
        {
            migration.Sql($"""DELETE FROM "{table}" WHERE "{column}" NOT IN (SELECT "Id" FROM "{principal}");""");
        }
    }
}
