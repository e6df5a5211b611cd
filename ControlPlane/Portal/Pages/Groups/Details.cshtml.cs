using JumpCloudAdi.ControlPlane.Data;
using JumpCloudAdi.ControlPlane.Portal.Api;
using JumpCloudAdi.ControlPlane.Portal.Status;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace JumpCloudAdi.ControlPlane.Portal.Pages.Groups;

/// <summary>One user group: name and description, members, and domain bindings.</summary>
public sealed class DetailsModel(PortalApi api, ControlPlaneDb db, PortalReader reader, ILogger<DetailsModel> logger) : PortalPageModel(api, logger)
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

    public async Task<IActionResult> OnPostSaveAsync(string id, CancellationToken ct)
    {
        var outcome = await Api.SendAsync("groups_user_put", new { id }, new { name = Edit.Name, description = Edit.Description ?? "" }, ct);
        if (outcome.Succeeded)
        {
            Audit($"updated user group {id}");
            return Done("Changes saved.", Here(id));
        }

        ShowError(outcome, nameof(Edit), "name", "description");
        return await LoadAsync(id, ct) ? Page() : NotFound();
    }

    public async Task<IActionResult> OnPostDeleteAsync(string id, CancellationToken ct)
    {
        var outcome = await Api.SendAsync("groups_user_delete", new { id }, ct: ct);
        if (!outcome.Succeeded)
        {
            return Failed(outcome, Here(id));
        }

        Audit($"deleted user group {outcome.GetString("name")}");
        return Done($"User group {outcome.GetString("name")} deleted.", "/groups");
    }

    public Task<IActionResult> OnPostAddMemberAsync(string id, string userId, CancellationToken ct) => MembershipAsync(id, userId, "add", ct);

    public Task<IActionResult> OnPostRemoveMemberAsync(string id, string userId, CancellationToken ct) => MembershipAsync(id, userId, "remove", ct);

    public Task<IActionResult> OnPostBindAsync(string id, string domainId, CancellationToken ct) => BindAsync(id, domainId, "add", ct);

    public Task<IActionResult> OnPostUnbindAsync(string id, string domainId, CancellationToken ct) => BindAsync(id, domainId, "remove", ct);

    private Task<IActionResult> MembershipAsync(string id, string userId, string op, CancellationToken ct) =>
        RelateAsync(Here(id), userId, "Choose a user.", "graph_userGroupMembersPost", new { id }, new { op, type = PortalReader.UserType, id = userId },
            $"{(op == "add" ? "added" : "removed")} user {userId} {(op == "add" ? "to" : "from")} group {id}",
            op == "add" ? "Member added." : "Member removed.", ct);

    private Task<IActionResult> BindAsync(string id, string domainId, string op, CancellationToken ct) =>
        RelateAsync(Here(id), domainId, "Choose a domain.", "graph_activeDirectoryAssociationsPost", new { id = domainId }, new { op, type = PortalReader.GroupType, id },
            $"{(op == "add" ? "bound" : "unbound")} group {id} {(op == "add" ? "to" : "from")} domain {domainId}",
            op == "add" ? "Bound to the domain; its members are bound too." : "Unbound from the domain.", ct);

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
        var bound = await db.Associations.AsNoTracking().Where(a => a.TargetType == PortalReader.GroupType && a.TargetId == id).Select(a => a.DomainId).ToListAsync(ct);
        var domains = await db.Domains.AsNoTracking().OrderBy(d => d.Domain).ToListAsync(ct);
        var statuses = await db.SyncStatuses.AsNoTracking().Where(s => s.ObjectId == id).ToDictionaryAsync(s => s.DomainId, ct);
        Domains = domains.Where(d => bound.Contains(d.Id)).Select(d => (d, statuses.GetValueOrDefault(d.Id))).ToList();
        BindableDomains = domains.Where(d => !bound.Contains(d.Id)).ToList();
        Timeline = await reader.TimelineAsync(id, Users.DetailsModel.TimelineLength, ct);
        return true;
    }
}
