using System.Security.Cryptography;
using System.Text.Json;
using Google.Protobuf;
using JumpCloudAdi.ControlPlane.Data;
using JumpCloudAdi.ControlPlane.Sync;
using JumpCloudAdi.Protocol;
using Microsoft.EntityFrameworkCore;

namespace JumpCloudAdi.ControlPlane.Import;

/// <summary>
/// Applies one IMPORT agent's report to the directory model in one transaction: users are created, updated, taken
/// over (an existing user of the same username) or dissociated (deleted or unbound, per the agent's setting); groups
/// nested in the ADI group become user groups with their members; a user that cannot be imported is skipped with the
/// reason. The run's summary is stored (<see cref="ImportRun"/>) and returned.
/// </summary>
public sealed class ImportProcessor(ControlPlaneDb db, ChangeLog log, IImportWriter writer, TimeProvider time)
{
    public const string SourceType = "ActiveDirectory";
    public const string DissociateRemove = "remove";
    public const string DissociateUnbind = "unbind";
    public const string TakeoverSkip = "skip";

    public Task<ImportSummary> ApplyAsync(string domainId, string agentId, ImportReport report, CancellationToken ct) =>
        log.RunAsync(async () =>
        {
            var run = new Run(report) { DomainId = domainId };
            var now = time.GetUtcNow();
            var imported = await db.ImportedObjects.Where(o => o.DomainId == domainId).ToListAsync(ct);
            var users = imported.Where(o => o.Kind == ImportedObjectKinds.User).ToDictionary(o => o.Anchor, StringComparer.Ordinal);
            var groups = imported.Where(o => o.Kind == ImportedObjectKinds.Group).ToDictionary(o => o.Anchor, StringComparer.Ordinal);
            var newUsers = new HashSet<string>(StringComparer.Ordinal);

            // Users first (groups refer to them), then who left, then the groups and their members.
            var leaving = new HashSet<string>(report.RemovedUserAnchors, StringComparer.Ordinal);
            foreach (var reported in report.Users)
            {
                if (reported.Disabled)
                {
                    if (!users.ContainsKey(reported.Anchor))
                    {
                        run.Skip(reported, "disabled in Active Directory");
                    }

                    leaving.Add(reported.Anchor);
                    continue;
                }

                if (await ImportUserAsync(reported, users, run, now, ct) is { } created)
                {
                    newUsers.Add(created);
                }
            }

            if (report.Full)
            {
                var listed = report.Users.Where(u => !u.Disabled).Select(u => u.Anchor).ToHashSet(StringComparer.Ordinal);
                leaving.UnionWith(users.Keys.Where(a => !listed.Contains(a)));
            }

            var left = new HashSet<string>(StringComparer.Ordinal);
            foreach (var anchor in leaving.Order(StringComparer.Ordinal))
            {
                if (users.Remove(anchor, out var mapping))
                {
                    left.Add(mapping.ObjectId);
                    await DissociateUserAsync(mapping, report.Options?.UserDissociationAction, run, ct);
                }
            }

            await ImportGroupsAsync(domainId, report, users, groups, newUsers, leaving, left, run, now, ct);

            var entry = run.ToEntity(domainId, agentId, now);
            db.ImportRuns.Add(entry);
            await log.CommitAsync(ct);
            return run.ToSummary(entry.Id);
        }, ct);

    /// <summary>Creates, updates or takes over one reported user; the id of a user created or taken over this run.</summary>
    private async Task<string?> ImportUserAsync(ImportedUser reported, Dictionary<string, ImportedObject> users, Run run, DateTimeOffset now, CancellationToken ct)
    {
        var username = reported.Username.Trim();
        var email = reported.Email.Trim();
        var missing = new List<string>(2);
        if (string.IsNullOrWhiteSpace(reported.Firstname))
        {
            missing.Add("first name (givenName)");
        }

        if (string.IsNullOrWhiteSpace(reported.Lastname))
        {
            missing.Add("last name (sn)");
        }

        if (missing.Count > 0)
        {
            run.Skip(reported, $"no {string.Join(" and no ", missing)}: JumpCloud requires a first and last name");
            return null;
        }

        if (username.Length == 0)
        {
            run.Skip(reported, "no username (the mapped attribute is empty)");
            return null;
        }

        if (email.Length == 0)
        {
            run.Skip(reported, "no email address (mail): JumpCloud requires one");
            return null;
        }

        var digest = Digest(reported, run.Additional);
        SystemUser? user = null;
        if (users.TryGetValue(reported.Anchor, out var mapping))
        {
            user = await db.Users.FindAsync([mapping.ObjectId], ct);
            if (user is not null && mapping.Digest == digest && user.ExternallyManaged)
            {
                run.Unchanged++;
                return null;
            }
        }

        var takeover = false;
        if (user is null)
        {
            var usernameKey = IdentityKey.Of(username);
            user = await db.Users.SingleOrDefaultAsync(u => u.UsernameKey == usernameKey, ct);
            if (user is not null)
            {
                if (await db.ImportedObjects.AnyAsync(o => o.ObjectId == user.Id && o.Kind == ImportedObjectKinds.User && o.Anchor != reported.Anchor, ct))
                {
                    run.Skip(reported, $"the JumpCloud user '{user.Username}' is already imported from another directory entry");
                    return null;
                }

                if (run.TakeoverAction == TakeoverSkip)
                {
                    run.Skip(reported, $"a JumpCloud user named '{user.Username}' already exists and the user takeover action is skip");
                    return null;
                }

                takeover = true;
            }
        }

        var emailKey = IdentityKey.Of(email);
        var exceptId = user?.Id;
        if (await db.Users.Where(u => u.EmailKey == emailKey && u.Id != exceptId).Select(u => u.Username).FirstOrDefaultAsync(ct) is { } owner)
        {
            run.Skip(reported, $"the email address {email} belongs to the JumpCloud user '{owner}'");
            return null;
        }

        if (user is not null && user.UsernameKey != IdentityKey.Of(username))
        {
            var usernameKey = IdentityKey.Of(username);
            var userId = user.Id;
            if (await db.Users.Where(u => u.UsernameKey == usernameKey && u.Id != userId).Select(u => u.Username).FirstOrDefaultAsync(ct) is { } taken)
            {
                run.Skip(reported, $"renamed to '{username}' in the directory, but the JumpCloud user '{taken}' already has that username");
                return null;
            }
        }

        var isNew = user is null;
        user ??= new SystemUser { Id = ObjectIds.New(time), Username = username, Email = email, Created = now };
        Apply(reported, user, run.Additional, users);
        if (isNew)
        {
            await writer.CreateUserAsync(user, ct);
            run.Created++;
        }
        else
        {
            await writer.UpdateUserAsync(user, ct);
            if (takeover)
            {
                run.TakenOver++;
            }
            else
            {
                run.Updated++;
            }
        }

        if (mapping is null)
        {
            mapping = new ImportedObject { DomainId = run.DomainId ?? "", Kind = ImportedObjectKinds.User, Anchor = reported.Anchor, ObjectId = user.Id };
            users[reported.Anchor] = mapping;
            db.ImportedObjects.Add(mapping);
        }

        mapping.ObjectId = user.Id;
        mapping.Dn = reported.Dn;
        mapping.Digest = digest;
        mapping.ImportedAt = now;
        return isNew || takeover ? user.Id : null;
    }

    private static void Apply(ImportedUser reported, SystemUser user, bool additional, Dictionary<string, ImportedObject> users)
    {
        user.Username = reported.Username.Trim();
        user.Email = reported.Email.Trim();
        user.Firstname = reported.Firstname.Trim();
        user.Lastname = reported.Lastname.Trim();
        user.ExternallyManaged = true;
        user.ProfileJson = (UserProfile.Read(user.ProfileJson) with { ExternalDn = reported.Dn, ExternalSourceType = SourceType }).ToJson();
        if (!additional)
        {
            return;
        }

        user.Displayname = Optional(reported.Displayname);
        user.Description = Optional(reported.Description);
        user.JobTitle = Optional(reported.JobTitle);
        user.Department = Optional(reported.Department);
        user.Company = Optional(reported.Company);
        user.Location = Optional(reported.Location);
        user.EmployeeType = Optional(reported.EmployeeType);
        user.Manager = reported.ManagerAnchor.Length > 0 && users.TryGetValue(reported.ManagerAnchor, out var manager) && manager.ObjectId != user.Id
            ? manager.ObjectId
            : null;
        var profile = UserProfile.Read(user.ProfileJson) with
        {
            PhoneNumbers = reported.PhoneNumbers.Select(p => new UserPhoneNumber(null, p.Type, p.Number)).ToList(),
            Addresses = reported.Addresses.Select(a => new UserAddress(null, a.Type, Optional(a.PoBox), null, Optional(a.StreetAddress),
                Optional(a.Locality), Optional(a.Region), Optional(a.PostalCode), Optional(a.Country))).ToList(),
        };
        user.ProfileJson = profile.ToJson();
    }

    private async Task DissociateUserAsync(ImportedObject mapping, string? action, Run run, CancellationToken ct)
    {
        db.ImportedObjects.Remove(mapping);
        if (await db.Users.FindAsync([mapping.ObjectId], ct) is not { } user)
        {
            return; // deleted in JumpCloud meanwhile
        }

        if (action == DissociateUnbind)
        {
            // Kept in JumpCloud, no longer managed from the directory.
            user.ExternallyManaged = false;
            user.ProfileJson = (UserProfile.Read(user.ProfileJson) with { ExternalDn = null, ExternalSourceType = null }).ToJson();
            await writer.UpdateUserAsync(user, ct);
        }
        else
        {
            await writer.DeleteUserAsync(user, ct);
        }

        run.Dissociated++;
    }

    private async Task ImportGroupsAsync(string domainId, ImportReport report, Dictionary<string, ImportedObject> users,
        Dictionary<string, ImportedObject> groups, HashSet<string> newUsers, HashSet<string> leftAnchors, HashSet<string> leftIds, Run run,
        DateTimeOffset now, CancellationToken ct)
    {
        var reportedGroups = report.Groups.ToDictionary(g => g.Anchor, StringComparer.Ordinal);
        var removed = new HashSet<string>(report.RemovedGroupAnchors, StringComparer.Ordinal);
        if (report.Full)
        {
            removed.UnionWith(groups.Keys.Where(a => !reportedGroups.ContainsKey(a)));
        }

        foreach (var anchor in removed.Order(StringComparer.Ordinal))
        {
            if (groups.Remove(anchor, out var mapping))
            {
                db.ImportedObjects.Remove(mapping);
                if (report.Options?.UserDissociationAction != DissociateUnbind && await db.Groups.FindAsync([mapping.ObjectId], ct) is { } gone)
                {
                    await writer.DeleteGroupAsync(gone, ct);
                    run.GroupsRemoved++;
                }
            }
        }

        // Every imported group whose members may have changed: those reported, and those listing a user created,
        // taken over or dissociated in this run.
        var touched = new HashSet<string>(reportedGroups.Keys, StringComparer.Ordinal);
        var changedAnchors = users.Where(u => newUsers.Contains(u.Value.ObjectId)).Select(u => u.Key).Concat(leftAnchors).ToHashSet(StringComparer.Ordinal);
        foreach (var (anchor, mapping) in groups)
        {
            if (Members(mapping).Any(changedAnchors.Contains))
            {
                touched.Add(anchor);
            }
        }

        // Users imported from any domain are the directory's to place; the others were added in JumpCloud and stay.
        var importedIds = (await db.ImportedObjects.Where(o => o.Kind == ImportedObjectKinds.User).Select(o => o.ObjectId).ToListAsync(ct))
            .Concat(users.Values.Select(u => u.ObjectId)).Concat(leftIds).ToHashSet(StringComparer.Ordinal);
        foreach (var anchor in touched.Order(StringComparer.Ordinal))
        {
            reportedGroups.TryGetValue(anchor, out var reported);
            groups.TryGetValue(anchor, out var mapping);
            var group = mapping is null ? null : await db.Groups.FindAsync([mapping.ObjectId], ct);
            if (reported is not null)
            {
                group = await UpsertGroupAsync(domainId, reported, group, mapping, groups, run, now, ct);
                mapping = groups.GetValueOrDefault(anchor);
            }

            if (group is null || mapping is null)
            {
                continue;
            }

            // The directory's members that are imported users, and whoever was added in JumpCloud and is not imported.
            var fromDirectory = Members(mapping).Select(a => users.GetValueOrDefault(a)?.ObjectId).OfType<string>();
            var gid = group.Id;
            var jumpCloudOnly = (await db.GroupMembers.Where(m => m.GroupId == gid).Select(m => m.UserId).ToListAsync(ct))
                .Where(id => !importedIds.Contains(id));
            await writer.SetMembersAsync(group, fromDirectory.Concat(jumpCloudOnly).ToHashSet(StringComparer.Ordinal), ct);
        }
    }

    private async Task<UserGroup?> UpsertGroupAsync(string domainId, ImportedGroup reported, UserGroup? group, ImportedObject? mapping,
        Dictionary<string, ImportedObject> groups, Run run, DateTimeOffset now, CancellationToken ct)
    {
        var name = reported.Name.Trim();
        if (name.Length == 0)
        {
            return group;
        }

        var nameKey = IdentityKey.Of(name);
        var gid = group?.Id;
        var sameName = await db.Groups.SingleOrDefaultAsync(g => g.NameKey == nameKey && g.Id != gid, ct);
        if (group is null)
        {
            if (sameName is not null && await db.ImportedObjects.AnyAsync(o => o.ObjectId == sameName.Id && o.Kind == ImportedObjectKinds.Group, ct))
            {
                return null; // another directory group already brought that name in
            }

            if (sameName is not null)
            {
                group = sameName; // taken over: JumpCloud's group of that name now follows the directory
            }
            else
            {
                group = new UserGroup { Id = ObjectIds.New(time), Name = name, Description = Optional(reported.Description) };
                await writer.CreateGroupAsync(group, ct);
                run.GroupsCreated++;
            }
        }
        else if (sameName is null && (group.Name != name || group.Description != Optional(reported.Description)))
        {
            group.Name = name;
            group.Description = Optional(reported.Description);
            await writer.UpdateGroupAsync(group, ct);
            run.GroupsUpdated++;
        }

        if (mapping is null)
        {
            mapping = new ImportedObject { DomainId = domainId, Kind = ImportedObjectKinds.Group, Anchor = reported.Anchor, ObjectId = group.Id };
            groups[reported.Anchor] = mapping;
            db.ImportedObjects.Add(mapping);
        }

        mapping.ObjectId = group.Id;
        mapping.Dn = reported.Dn;
        mapping.MembersJson = JsonSerializer.Serialize(reported.MemberAnchors.ToList());
        mapping.ImportedAt = now;
        return group;
    }

    private static IEnumerable<string> Members(ImportedObject group) =>
        string.IsNullOrEmpty(group.MembersJson) ? [] : JsonSerializer.Deserialize<List<string>>(group.MembersJson) ?? [];

    private static string? Optional(string value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private static string Digest(ImportedUser user, bool additional)
    {
        var bytes = user.ToByteArray();
        var hash = SHA256.HashData([.. bytes, additional ? (byte)1 : (byte)0]);
        return Convert.ToHexString(hash, 0, 16);
    }

    /// <summary>The counters of one run.</summary>
    private sealed class Run(ImportReport report)
    {
        public string? DomainId { get; set; }
        public bool Additional { get; } = report.Options?.SyncAdditionalAttributes ?? true;
        public string TakeoverAction { get; } = report.Options?.UserTakeoverAction ?? "takeover";
        public int Created { get; set; }
        public int Updated { get; set; }
        public int TakenOver { get; set; }
        public int Unchanged { get; set; }
        public int Dissociated { get; set; }
        public int GroupsCreated { get; set; }
        public int GroupsUpdated { get; set; }
        public int GroupsRemoved { get; set; }
        public List<ImportSkipDto> Skipped { get; } = [];

        public void Skip(ImportedUser user, string reason) => Skipped.Add(new ImportSkipDto(user.Dn, user.Username, reason));

        public ImportRun ToEntity(string domainId, string agentId, DateTimeOffset at) => new()
        {
            DomainId = domainId,
            AgentId = agentId,
            At = at,
            Full = report.Full,
            Once = report.Once,
            Created = Created,
            Updated = Updated,
            TakenOver = TakenOver,
            Unchanged = Unchanged,
            Dissociated = Dissociated,
            GroupsCreated = GroupsCreated,
            GroupsUpdated = GroupsUpdated,
            GroupsRemoved = GroupsRemoved,
            SkippedJson = ImportApi.SkippedToJson(Skipped),
        };

        public ImportSummary ToSummary(long runId)
        {
            var summary = new ImportSummary
            {
                RunId = runId,
                Created = Created,
                Updated = Updated,
                TakenOver = TakenOver,
                Unchanged = Unchanged,
                Dissociated = Dissociated,
                GroupsCreated = GroupsCreated,
                GroupsUpdated = GroupsUpdated,
                GroupsRemoved = GroupsRemoved,
            };
            summary.Skipped.AddRange(Skipped.Select(s => new ImportSkip { Dn = s.Dn, Username = s.Username, Reason = s.Reason }));
            return summary;
        }
    }
}
