using JumpCloudAdi.ControlPlane.Commands.Bindings;
using JumpCloudAdi.ControlPlane.Commands.Groups;
using JumpCloudAdi.ControlPlane.Data;
using JumpCloudAdi.ControlPlane.Sync;
using JumpCloudAdi.ControlPlane.Portal.Status;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace JumpCloudAdi.ControlPlane.Portal.Pages.Groups;

/// <summary>One user group: name and description, members, and domain bindings.</summary>
public sealed class DetailsModel(ControlPlaneDb db, DirectoryReach reach, PortalReader reader, ILogger<DetailsModel> logger) : PortalPageModel(logger)
{
    public UserGroup Group { get; private set; } = null!;
    public IReadOnlyList<SystemUser> Members { get; private set; } = [];
    public IReadOnlyList<SystemUser> Candidates { get; private set; } = [];
    public IReadOnlyList<(AdDomain Domain, SyncStatusRecord? Status)> Domains { get; private set; } = [];
    public IReadOnlyList<AdDomain> BindableDomains { get; private set; } = [];
    public IReadOnlyList<TimelineRow> Timeline { get; private set; } = [];

    [BindProperty]
    public IndexModel.NewGroupInput Edit { get; set; } = new();

    public async Task<IActionResult> OnGetAsync(string id, CancellationToken ct)
    {
        if (!await LoadAsync(id, ct))
        {
            return NotFound();
        }

        Edit = new IndexModel.NewGroupInput { Name = Group.Name, Description = Group.Description };
        return Page();
    }

    public async Task<IActionResult> OnPostSaveAsync(string id, [FromServices] UpdateUserGroupCommand update, CancellationToken ct)
    {
        var saved = await update.ExecuteAsync(id, new GroupInput(Edit.Name, Edit.Description ?? ""), ct);
        if (saved.Error is null)
        {
            Audit($"updated user group {id}");
            return Done("Changes saved.", Here(id));
        }

        this.ShowError(saved.Error, nameof(Edit), "name", "description");
        return await LoadAsync(id, ct) ? Page() : NotFound();
    }

    public Task<IActionResult> OnPostPreviewDeleteAsync(string id, [FromServices] DeleteUserGroupCommand delete, [FromServices] DryRunner dryRun,
        CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(delete);
        return PreviewAsync(dryRun, () => delete.ExecuteAsync(id, ct), (group, preview) => new ChangePreviewPrompt($"Delete the user group {group.Name}?",
            "The group is removed from JumpCloud; each bound domain disconnects it, and each member that no other binding keeps there.",
            preview, "Delete", new Dictionary<string, string> { ["id"] = id }, new Dictionary<string, string>(), "Delete group", Here(id)),
            Here(id), () => LoadAsync(id, ct), ct);
    }

    public Task<IActionResult> OnPostPreviewRemoveMemberAsync(string id, string userId, [FromServices] RemoveGroupMemberCommand remove,
        [FromServices] DryRunner dryRun, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(remove);
        return PreviewAsync(dryRun, () => remove.ExecuteAsync(id, userId, ct), (change, preview) => ChangePreviewPrompt.RemoveMember(change, preview,
            "RemoveMember", new Dictionary<string, string> { ["id"] = id }, new Dictionary<string, string> { ["userId"] = userId }, Here(id)),
            Here(id), () => LoadAsync(id, ct), ct);
    }

    public async Task<IActionResult> OnPostDeleteAsync(string id, [FromServices] DeleteUserGroupCommand delete, CancellationToken ct)
    {
        var deleted = await delete.ExecuteAsync(id, ct);
        if (deleted.Value is not { } group)
        {
            return this.Failed(deleted.Error!, Here(id));
        }

        Audit($"deleted user group {group.Name}");
        return Done($"User group {group.Name} deleted.", "/groups");
    }

    public Task<IActionResult> OnPostAddMemberAsync(string id, string userId, [FromServices] AddGroupMemberCommand add, CancellationToken ct) =>
        RelateAsync(Here(id), userId, "Choose a user.", async chosen => (await add.ExecuteAsync(id, chosen, ct)).Error,
            $"added user {userId} to group {id}", "Member added.");

    public Task<IActionResult> OnPostRemoveMemberAsync(string id, string userId, [FromServices] RemoveGroupMemberCommand remove, CancellationToken ct) =>
        RelateAsync(Here(id), userId, "Choose a user.", async chosen => (await remove.ExecuteAsync(id, chosen, ct)).Error,
            $"removed user {userId} from group {id}", "Member removed.");

    public Task<IActionResult> OnPostBindAsync(string id, string domainId, [FromServices] BindGroupCommand bind, CancellationToken ct) =>
        RelateAsync(Here(id), domainId, "Choose a domain.", async chosen => (await bind.ExecuteAsync(chosen, id, ct)).Error,
            $"bound group {id} to domain {domainId}", "Bound to the domain; its members are bound too.");

    public Task<IActionResult> OnPostUnbindAsync(string id, string domainId, [FromServices] UnbindGroupCommand unbind, CancellationToken ct) =>
        RelateAsync(Here(id), domainId, "Choose a domain.", async chosen => (await unbind.ExecuteAsync(chosen, id, ct)).Error,
            $"unbound group {id} from domain {domainId}", "Unbound from the domain.");

    private static string Here(string id) => $"/groups/{id}";

    private async Task<bool> LoadAsync(string id, CancellationToken ct)
    {
        if (await db.Groups.AsNoTracking().SingleOrDefaultAsync(g => g.Id == id, ct) is not { } group)
        {
            return false;
        }

        Group = group;
        var memberIds = await db.GroupMembers.AsNoTracking().Where(m => m.GroupId == id).Select(m => m.UserId).ToListAsync(ct);
        var users = await db.Users.AsNoTracking().OrderBy(u => u.Username).ToListAsync(ct);
        Members = users.Where(u => memberIds.Contains(u.Id)).ToList();
        Candidates = users.Where(u => !memberIds.Contains(u.Id)).ToList();
        var bound = await reach.DomainsOfGroupAsync(id, ct);
        var domains = await db.Domains.AsNoTracking().OrderBy(d => d.Domain).ToListAsync(ct);
        var statuses = await db.SyncStatuses.AsNoTracking().Where(s => s.ObjectId == id).ToDictionaryAsync(s => s.DomainId, ct);
        Domains = domains.Where(d => bound.Contains(d.Id)).Select(d => (d, statuses.GetValueOrDefault(d.Id))).ToList();
        BindableDomains = domains.Where(d => !bound.Contains(d.Id)).ToList();
        Timeline = await reader.TimelineAsync(id, Users.DetailsModel.TimelineLength, ct);
        return true;
    }
}
