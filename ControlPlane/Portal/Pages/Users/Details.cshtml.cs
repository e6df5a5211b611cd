using System.ComponentModel.DataAnnotations;
using JumpCloudAdi.ControlPlane.Commands;
using JumpCloudAdi.ControlPlane.Commands.Bindings;
using JumpCloudAdi.ControlPlane.Commands.Groups;
using JumpCloudAdi.ControlPlane.Commands.Users;
using JumpCloudAdi.ControlPlane.Data;
using JumpCloudAdi.ControlPlane.Portal.Status;
using JumpCloudAdi.ControlPlane.Sync;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace JumpCloudAdi.ControlPlane.Portal.Pages.Users;

/// <summary>One user: details, state (suspend, unlock), password, domain bindings and group membership.</summary>
public sealed class DetailsModel(ControlPlaneDb db, PortalReader reader, DirectoryReach reach, ILogger<DetailsModel> logger) : PortalPageModel(logger)
{
    public static readonly string[] Fields = ["username", "email", "firstname", "lastname"];

    /// <summary>How many sync history entries the timeline shows.</summary>
    public const int TimelineLength = 50;

    public SystemUser SystemUser { get; private set; } = null!;
    public IReadOnlyList<DomainBinding> Domains { get; private set; } = [];
    public IReadOnlyList<UserGroup> Groups { get; private set; } = [];
    public IReadOnlyList<AdDomain> BindableDomains { get; private set; } = [];
    public IReadOnlyList<TimelineRow> Timeline { get; private set; } = [];
    public IReadOnlyList<UserGroup> JoinableGroups { get; private set; } = [];

    [BindProperty]
    public EditUserInput Edit { get; set; } = new();

    [BindProperty]
    [DataType(DataType.Password)]
    public string? NewPassword { get; set; }

    public async Task<IActionResult> OnGetAsync(string id, CancellationToken ct)
    {
        if (!await LoadAsync(id, ct))
        {
            return NotFound();
        }

        Edit = new EditUserInput { Username = SystemUser.Username, Email = SystemUser.Email, Firstname = SystemUser.Firstname, Lastname = SystemUser.Lastname };
        return Page();
    }

    public async Task<IActionResult> OnPostSaveAsync(string id, [FromServices] UpdateUserCommand update, CancellationToken ct)
    {
        var saved = await update.ExecuteAsync(id, new UserInput
        {
            Username = Edit.Username ?? "",
            Email = Edit.Email ?? "",
            Firstname = Edit.Firstname ?? "",
            Lastname = Edit.Lastname ?? "",
        }, ct);
        if (saved.Error is null)
        {
            Audit($"updated user {id}");
            return Done("Changes saved. Bound domains receive them with the next sync.", Here(id));
        }

        this.ShowError(saved.Error, nameof(Edit), Fields);
        return await LoadAsync(id, ct) ? Page() : NotFound();
    }

    public async Task<IActionResult> OnPostSuspendAsync(string id, [FromServices] SuspendUserCommand suspend, CancellationToken ct) =>
        State(id, "suspended", "User suspended; bound domains disable the account.", await suspend.ExecuteAsync(id, ct));

    public async Task<IActionResult> OnPostActivateAsync(string id, [FromServices] ActivateUserCommand activate, CancellationToken ct) =>
        State(id, "activated", "User activated; bound domains enable the account.", await activate.ExecuteAsync(id, ct));

    public async Task<IActionResult> OnPostUnlockAsync(string id, [FromServices] UnlockUserCommand unlock, CancellationToken ct) =>
        State(id, "unlocked", "User unlocked.", await unlock.ExecuteAsync(id, ct));

    public async Task<IActionResult> OnPostPasswordAsync(string id, [FromServices] SetUserPasswordCommand setPassword, CancellationToken ct)
    {
        var set = await setPassword.ExecuteAsync(id, NewPassword ?? "", ct);
        NewPassword = null;
        if (set.Error is null)
        {
            Audit($"set the password of user {id}");
            return Done("Password set. Bound domains receive it sealed to their agents.", Here(id));
        }

        ModelState.AddModelError(nameof(NewPassword), CommandErrors.FieldText(set.Error));
        return await LoadAsync(id, ct) ? Page() : NotFound();
    }

    public Task<IActionResult> OnPostPreviewDeleteAsync(string id, [FromServices] DeleteUserCommand delete, [FromServices] DryRunner dryRun,
        CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(delete);
        return PreviewAsync(dryRun, () => delete.ExecuteAsync(id, ct), (user, preview) => new ChangePreviewPrompt($"Delete the user {user.Username}?",
            "The user is removed from JumpCloud with its groups' memberships and its stored password; each bound domain disconnects the account (its agent disables or deletes it as its disconnection setting says).",
            preview, "Delete", new Dictionary<string, string> { ["id"] = id }, new Dictionary<string, string>(), "Delete user", Here(id)),
            Here(id), () => LoadAsync(id, ct), ct);
    }

    public async Task<IActionResult> OnPostDeleteAsync(string id, [FromServices] DeleteUserCommand delete, CancellationToken ct)
    {
        var deleted = await delete.ExecuteAsync(id, ct);
        if (deleted.Value is not { } user)
        {
            return this.Failed(deleted.Error!, Here(id));
        }

        Audit($"deleted user {user.Username}");
        return Done($"User {user.Username} deleted.", "/users");
    }

    public Task<IActionResult> OnPostBindAsync(string id, string domainId, [FromServices] BindUserCommand bind, CancellationToken ct) =>
        RelateAsync(Here(id), domainId, "Choose a domain.", async chosen => (await bind.ExecuteAsync(chosen, id, ct)).Error,
            $"bound user {id} to domain {domainId}", "Bound to the domain.");

    public Task<IActionResult> OnPostUnbindAsync(string id, string domainId, [FromServices] UnbindUserCommand unbind, CancellationToken ct) =>
        RelateAsync(Here(id), domainId, "Choose a domain.", async chosen => (await unbind.ExecuteAsync(chosen, id, ct)).Error,
            $"unbound user {id} from domain {domainId}", "Unbound from the domain.");

    public Task<IActionResult> OnPostJoinAsync(string id, string groupId, [FromServices] AddGroupMemberCommand add, CancellationToken ct) =>
        RelateAsync(Here(id), groupId, "Choose a user group.", async chosen => (await add.ExecuteAsync(chosen, id, ct)).Error,
            $"added user {id} to group {groupId}", "Added to the group.");

    public Task<IActionResult> OnPostPreviewLeaveAsync(string id, string groupId, [FromServices] RemoveGroupMemberCommand remove,
        [FromServices] DryRunner dryRun, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(remove);
        return PreviewAsync(dryRun, () => remove.ExecuteAsync(groupId, id, ct), (change, preview) => ChangePreviewPrompt.RemoveMember(change, preview,
            "Leave", new Dictionary<string, string> { ["id"] = id }, new Dictionary<string, string> { ["groupId"] = groupId }, Here(id)),
            Here(id), () => LoadAsync(id, ct), ct);
    }

    public Task<IActionResult> OnPostLeaveAsync(string id, string groupId, [FromServices] RemoveGroupMemberCommand remove, CancellationToken ct) =>
        RelateAsync(Here(id), groupId, "Choose a user group.", async chosen => (await remove.ExecuteAsync(chosen, id, ct)).Error,
            $"removed user {id} from group {groupId}", "Removed from the group.");

    private IActionResult State(string id, string action, string notice, CommandResult<SystemUser> result)
    {
        if (result.Error is { } error)
        {
            return this.Failed(error, Here(id));
        }

        Audit($"{action} user {id}");
        return Done(notice, Here(id));
    }

    private static string Here(string id) => $"/users/{id}";

    private async Task<bool> LoadAsync(string id, CancellationToken ct)
    {
        if (await db.Users.AsNoTracking().SingleOrDefaultAsync(u => u.Id == id, ct) is not { } user)
        {
            return false;
        }

        SystemUser = user;
        var groupIds = await db.GroupMembers.AsNoTracking().Where(m => m.UserId == id).Select(m => m.GroupId).ToListAsync(ct);
        Groups = await db.Groups.AsNoTracking().Where(g => groupIds.Contains(g.Id)).OrderBy(g => g.Name).ToListAsync(ct);
        JoinableGroups = await db.Groups.AsNoTracking().Where(g => !groupIds.Contains(g.Id)).OrderBy(g => g.Name).ToListAsync(ct);

        var paths = await reach.PathsOfUserAsync(id, ct);
        var direct = paths.Where(p => p.Direct).Select(p => p.DomainId).ToList();
        var groupNames = Groups.ToDictionary(g => g.Id, g => g.Name);
        var viaGroups = paths.Where(p => !p.Direct).Select(p => new { p.DomainId, Name = groupNames.GetValueOrDefault(p.GroupId!, p.GroupId!) }).ToList();
        var allDomains = await db.Domains.AsNoTracking().OrderBy(d => d.Domain).ToListAsync(ct);
        var statuses = await db.SyncStatuses.AsNoTracking().Where(s => s.ObjectId == id).ToDictionaryAsync(s => s.DomainId, ct);
        var domains = new List<DomainBinding>();
        foreach (var d in allDomains.Where(d => direct.Contains(d.Id) || viaGroups.Any(v => v.DomainId == d.Id)))
        {
            var via = viaGroups.Where(v => v.DomainId == d.Id).Select(v => v.Name).Order(StringComparer.OrdinalIgnoreCase).ToList();
            domains.Add(new DomainBinding(d, direct.Contains(d.Id), via, statuses.GetValueOrDefault(d.Id),
                await reader.ExplainAsync(d, id, direct.Contains(d.Id), via, ct)));
        }

        Domains = domains;
        Timeline = await reader.TimelineAsync(id, TimelineLength, ct);
        BindableDomains = allDomains.Where(d => !direct.Contains(d.Id)).ToList();
        return true;
    }

    /// <summary>A domain the user reaches, how, and its latest sync outcome there.</summary>
    public sealed record DomainBinding(AdDomain Domain, bool Direct, IReadOnlyList<string> ViaGroups, SyncStatusRecord? Status, SyncExplanation Why);

    /// <summary>The edit-user form.</summary>
    public sealed class EditUserInput
    {
        public string? Username { get; set; }
        public string? Email { get; set; }
        public string? Firstname { get; set; }
        public string? Lastname { get; set; }
    }
}
