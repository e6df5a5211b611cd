using System.Security.Cryptography;
using System.Text.Json;
using Google.Protobuf;
using JumpCloudAdi.ControlPlane.Commands.Groups;
using JumpCloudAdi.ControlPlane.Commands.Users;
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
/// Every user, group and membership write goes through the same commands as the REST API (their checks, their change
/// entries), joined to the run's transaction (<see cref="ChangeLog.RunAsync"/>): a command that refuses leaves nothing
/// and its user is skipped with its reason. No loops: while the run applies, the entries those commands would append
/// to the import's own domain about users imported from it are not appended (the directory already holds what they
/// say; a sync agent must not write them back), and the anchor of each imported user (<see cref="ImportedObject"/>)
/// is the one a sync agent of that domain is told to find its account by.
/// </summary>
public sealed class ImportProcessor(ControlPlaneDb db, ChangeLog log, TimeProvider time, ImportCommands commands)
{
    public const string SourceType = "ActiveDirectory";
    public const string DissociateRemove = "remove";
    public const string DissociateUnbind = "unbind";
    public const string TakeoverSkip = "skip";

    public async Task<ImportSummary> ApplyAsync(string domainId, string agentId, ImportReport report, CancellationToken ct)
    {
        try
        {
            return await log.RunAsync(() => ApplyOnceAsync(domainId, agentId, report, ct), ct);
        }
        finally
        {
            log.Suppress = null;
        }
    }

    private async Task<ImportSummary> ApplyOnceAsync(string domainId, string agentId, ImportReport report, CancellationToken ct)
    {
        var run = new Run(report, domainId, agentId);
        var now = time.GetUtcNow();
        var imported = await db.ImportedObjects.Where(o => o.DomainId == domainId).ToListAsync(ct);
        var users = imported.Where(o => o.Kind == ImportedObjectKinds.User).ToDictionary(o => o.Anchor, StringComparer.Ordinal);
        var groups = imported.Where(o => o.Kind == ImportedObjectKinds.Group).ToDictionary(o => o.Anchor, StringComparer.Ordinal);
        var newUsers = new HashSet<string>(StringComparer.Ordinal);
        run.FromDirectory.UnionWith(users.Values.Select(u => u.ObjectId));
        log.Suppress = (domain, change) => domain == domainId && UserOf(change) is { } id && run.FromDirectory.Contains(id);

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

        db.ImportRuns.Add(run.ToEntity(now));
        await log.CommitAsync(ct);
        return run.ToSummary();
    }

    /// <summary>The user an entry is about (its upsert, disconnection or password), or null for a group's.</summary>
    private static string? UserOf(Change change) => change.KindCase switch
    {
        Change.KindOneofCase.UserUpsert or Change.KindOneofCase.UserDisconnect or Change.KindOneofCase.PasswordSet => History.ChangeObjects.IdOf(change),
        _ => null,
    };

    /// <summary>Creates, updates or takes over one reported user; the id of a user created or taken over this run.</summary>
    private async Task<string?> ImportUserAsync(ImportedUser reported, Dictionary<string, ImportedObject> users, Run run, DateTimeOffset now, CancellationToken ct)
    {
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

        if (reported.Username.Trim().Length == 0)
        {
            run.Skip(reported, "no username (the mapped attribute is empty)");
            return null;
        }

        if (reported.Email.Trim().Length == 0)
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
                run.Counts.Unchanged++;
                return null;
            }
        }

        var takeover = false;
        if (user is null)
        {
            var usernameKey = IdentityKey.Of(reported.Username.Trim());
            user = await db.Users.SingleOrDefaultAsync(u => u.UsernameKey == usernameKey, ct);
            if (user is not null)
            {
                var userId = user.Id;
                if (await db.ImportedObjects.AnyAsync(o => o.ObjectId == userId && o.Kind == ImportedObjectKinds.User && o.Anchor != reported.Anchor, ct))
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

        // From here on the user is the directory's: what the commands append about it to this domain is not sent.
        if (user is not null)
        {
            run.FromDirectory.Add(user.Id);
        }

        var input = InputOf(reported, run.Additional, users, user?.Id);
        var result = user is null
            ? await commands.CreateUser.ExecuteAsync(input, ct)
            : await commands.UpdateUser.ExecuteAsync(user.Id, input, ct);
        if (result.Error is { } refused)
        {
            run.Skip(reported, refused.Message);
            return null;
        }

        var isNew = user is null;
        user = result.Value!;
        run.FromDirectory.Add(user.Id);
        if (isNew)
        {
            run.Counts.Created++;
        }
        else if (takeover)
        {
            run.Counts.TakenOver++;
        }
        else
        {
            run.Counts.Updated++;
        }

        if (mapping is null)
        {
            mapping = new ImportedObject { DomainId = run.DomainId, Kind = ImportedObjectKinds.User, Anchor = reported.Anchor, ObjectId = user.Id };
            users[reported.Anchor] = mapping;
            db.ImportedObjects.Add(mapping);
        }

        mapping.ObjectId = user.Id;
        mapping.Dn = reported.Dn;
        mapping.Digest = digest;
        mapping.ImportedAt = now;

        // Saved by its command: no longer tracked, so each later save of the run does not look at every user again.
        db.Entry(user).State = EntityState.Detached;
        return isNew || takeover ? user.Id : null;
    }

    /// <summary>
    /// What the create or update command is given for a reported user: the names, the externally-managed marks and,
    /// with additional attributes, the profile (an empty value clears the field, as a REST update's would).
    /// </summary>
    private static UserInput InputOf(ImportedUser reported, bool additional, Dictionary<string, ImportedObject> users, string? userId)
    {
        var input = new UserInput
        {
            Username = reported.Username.Trim(),
            Email = reported.Email.Trim(),
            Firstname = reported.Firstname.Trim(),
            Lastname = reported.Lastname.Trim(),
            ExternallyManaged = true,
            ExternalDn = reported.Dn,
            ExternalSourceType = SourceType,
        };
        if (!additional)
        {
            return input;
        }

        var manager = reported.ManagerAnchor.Length > 0 && users.TryGetValue(reported.ManagerAnchor, out var found) && found.ObjectId != userId
            ? found.ObjectId
            : "";
        return input with
        {
            Displayname = reported.Displayname.Trim(),
            Description = reported.Description.Trim(),
            JobTitle = reported.JobTitle.Trim(),
            Department = reported.Department.Trim(),
            Company = reported.Company.Trim(),
            Location = reported.Location.Trim(),
            EmployeeType = reported.EmployeeType.Trim(),
            Manager = manager,
            PhoneNumbers = reported.PhoneNumbers.Select(p => new UserPhoneNumber(null, p.Type, p.Number)).ToList(),
            Addresses = reported.Addresses.Select(a => new UserAddress(null, a.Type, Optional(a.PoBox), null, Optional(a.StreetAddress),
                Optional(a.Locality), Optional(a.Region), Optional(a.PostalCode), Optional(a.Country))).ToList(),
        };
    }

    private async Task DissociateUserAsync(ImportedObject mapping, string? action, Run run, CancellationToken ct)
    {
        db.ImportedObjects.Remove(mapping);
        if (await db.Users.FindAsync([mapping.ObjectId], ct) is not { } user)
        {
            return; // deleted in JumpCloud meanwhile
        }

        run.FromDirectory.Add(user.Id);
        var result = action == DissociateUnbind
            // Kept in JumpCloud, no longer managed from the directory.
            ? await commands.UpdateUser.ExecuteAsync(user.Id, new UserInput { ExternallyManaged = false, ExternalDn = "", ExternalSourceType = "" }, ct)
            : await commands.DeleteUser.ExecuteAsync(user.Id, ct);
        if (result.Error is { } refused)
        {
            run.Skip(mapping.Dn, user.Username, refused.Message);
            return;
        }

        run.Counts.Dissociated++;
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
                if (report.Options?.UserDissociationAction != DissociateUnbind
                    && (await commands.DeleteGroup.ExecuteAsync(mapping.ObjectId, ct)).Succeeded)
                {
                    run.Counts.GroupsRemoved++;
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
        var dnOf = users.Values.GroupBy(u => u.ObjectId).ToDictionary(g => g.Key, g => g.First().Dn, StringComparer.Ordinal);
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
            var gid = group.Id;
            var current = await db.GroupMembers.Where(m => m.GroupId == gid).Select(m => m.UserId).ToListAsync(ct);
            var wanted = Members(mapping).Select(a => users.GetValueOrDefault(a)?.ObjectId).OfType<string>()
                .Concat(current.Where(id => !importedIds.Contains(id))).ToHashSet(StringComparer.Ordinal);
            // One command each way: every bound domain gets the group's member list once, not once per member.
            var leaving = current.Where(id => !wanted.Contains(id)).Order(StringComparer.Ordinal).ToList();
            if (leaving.Count > 0)
            {
                await commands.RemoveMember.ExecuteAsync(gid, leaving, ct);
            }

            var joining = wanted.Except(current).Order(StringComparer.Ordinal).ToList();
            if (joining.Count > 0 && (await commands.AddMember.ExecuteAsync(gid, joining, ct)).Value is { } added)
            {
                foreach (var (userId, refused) in added.Refused)
                {
                    var username = (await db.Users.FindAsync([userId], ct))?.Username ?? userId;
                    run.Skip(dnOf.GetValueOrDefault(userId, ""), username, $"not added to the user group '{group.Name}': {refused.Message}");
                }
            }
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

        var description = reported.Description.Trim();
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
                var created = await commands.CreateGroup.ExecuteAsync(new GroupInput(name, Optional(description)), ct);
                if (created.Error is { } refused)
                {
                    run.Skip(reported.Dn, name, $"the group is not imported: {refused.Message}");
                    return null;
                }

                group = created.Value!;
                run.Counts.GroupsCreated++;
            }
        }
        else if (sameName is null && (group.Name != name || (group.Description ?? "") != description))
        {
            var updated = await commands.UpdateGroup.ExecuteAsync(group.Id, new GroupInput(name, description), ct);
            if (updated.Error is { } refused)
            {
                run.Skip(reported.Dn, name, $"the group is not updated: {refused.Message}");
            }
            else
            {
                group = updated.Value!;
                run.Counts.GroupsUpdated++;
            }
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

    /// <summary>One run: its counters are those of the <see cref="ImportRun"/> row it saves.</summary>
    private sealed class Run(ImportReport report, string domainId, string agentId)
    {
        public string DomainId { get; } = domainId;
        public bool Additional { get; } = report.Options?.SyncAdditionalAttributes ?? true;
        public string TakeoverAction { get; } = report.Options?.UserTakeoverAction ?? "takeover";
        public ImportRun Counts { get; } = new() { DomainId = domainId, AgentId = agentId, Full = report.Full, Once = report.Once };
        public List<ImportSkipDto> Skipped { get; } = [];

        /// <summary>The JumpCloud users imported from this domain, whose entries to it the run does not append.</summary>
        public HashSet<string> FromDirectory { get; } = new(StringComparer.Ordinal);

        public void Skip(ImportedUser user, string reason) => Skip(user.Dn, user.Username, reason);

        public void Skip(string dn, string username, string reason) => Skipped.Add(new ImportSkipDto(dn, username, reason));

        public ImportRun ToEntity(DateTimeOffset at)
        {
            Counts.At = at;
            Counts.SkippedJson = ImportApi.SkippedToJson(Skipped);
            return Counts;
        }

        public ImportSummary ToSummary()
        {
            var summary = new ImportSummary
            {
                RunId = Counts.Id,
                Created = Counts.Created,
                Updated = Counts.Updated,
                TakenOver = Counts.TakenOver,
                Unchanged = Counts.Unchanged,
                Dissociated = Counts.Dissociated,
                GroupsCreated = Counts.GroupsCreated,
                GroupsUpdated = Counts.GroupsUpdated,
                GroupsRemoved = Counts.GroupsRemoved,
            };
            summary.Skipped.AddRange(Skipped.Select(s => new ImportSkip { Dn = s.Dn, Username = s.Username, Reason = s.Reason }));
            return summary;
        }
    }
}
