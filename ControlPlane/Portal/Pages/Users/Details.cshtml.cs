using System.ComponentModel.DataAnnotations;
using JumpCloudAdi.ControlPlane.Data;
using JumpCloudAdi.ControlPlane.Portal.Api;
using JumpCloudAdi.ControlPlane.Portal.Status;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace JumpCloudAdi.ControlPlane.Portal.Pages.Users;

/// <summary>One user: details, state (suspend, unlock), password, domain bindings and group membership.</summary>
public sealed class DetailsModel(PortalApi api, ControlPlaneDb db, PortalReader reader, ILogger<DetailsModel> logger) : PortalPageModel(api, logger)
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

    public async Task<IActionResult> OnPostSaveAsync(string id, CancellationToken ct)
    {
        var outcome = await Api.SendAsync("systemusers_put", new { id },
            new { username = Edit.Username ?? "", email = Edit.Email ?? "", firstname = Edit.Firstname ?? "", lastname = Edit.Lastname ?? "" }, ct);
        if (outcome.Succeeded)
        {
            Audit($"updated user {id}");
            return Done("Changes saved. Bound domains receive them with the next sync.", Here(id));
        }

        ShowError(outcome, nameof(Edit), Fields);
        return await LoadAsync(id, ct) ? Page() : NotFound();
    }

    public Task<IActionResult> OnPostSuspendAsync(string id, CancellationToken ct) =>
        StateAsync(id, "systemusers_state_suspend", "User suspended; bound domains disable the account.", ct);

    public Task<IActionResult> OnPostActivateAsync(string id, CancellationToken ct) =>
        StateAsync(id, "systemusers_state_activate", "User activated; bound domains enable the account.", ct);

    public Task<IActionResult> OnPostUnlockAsync(string id, CancellationToken ct) =>
        StateAsync(id, "systemusers_unlock", "User unlocked.", ct);

    public async Task<IActionResult> OnPostPasswordAsync(string id, CancellationToken ct)
    {
        var outcome = await Api.SendAsync("systemusers_password", new { id }, new { password = NewPassword ?? "" }, ct);
        NewPassword = null;
        if (outcome.Succeeded)
        {
            Audit($"set the password of user {id}");
            return Done("Password set. Bound domains receive it sealed to their agents.", Here(id));
        }

        var (_, text) = outcome.FieldError("password");
        ModelState.AddModelError(nameof(NewPassword), text);
        return await LoadAsync(id, ct) ? Page() : NotFound();
    }

    public async Task<IActionResult> OnPostDeleteAsync(string id, CancellationToken ct)
    {
        var outcome = await Api.SendAsync("systemusers_delete", new { id }, ct: ct);
        if (!outcome.Succeeded)
        {
            return Failed(outcome, Here(id));
        }

        Audit($"deleted user {outcome.GetString("username")}");
        return Done($"User {outcome.GetString("username")} deleted.", "/users");
    }

    public Task<IActionResult> OnPostBindAsync(string id, string domainId, CancellationToken ct) => BindAsync(id, domainId, "add", ct);

    public Task<IActionResult> OnPostUnbindAsync(string id, string domainId, CancellationToken ct) => BindAsync(id, domainId, "remove", ct);

    public Task<IActionResult> OnPostJoinAsync(string id, string groupId, CancellationToken ct) => MembershipAsync(id, groupId, "add", ct);

    public Task<IActionResult> OnPostLeaveAsync(string id, string groupId, CancellationToken ct) => MembershipAsync(id, groupId, "remove", ct);

    private async Task<IActionResult> StateAsync(string id, string operation, string notice, CancellationToken ct)
    {
        var outcome = await Api.SendAsync(operation, new { id }, new { }, ct);
        if (!outcome.Succeeded)
        {
            return Failed(outcome, Here(id));
        }

        Audit($"{operation} for user {id}");
        return Done(notice, Here(id));
    }

    private Task<IActionResult> BindAsync(string id, string domainId, string op, CancellationToken ct) =>
        RelateAsync(Here(id), domainId, "Choose a domain.", "graph_activeDirectoryAssociationsPost", new { id = domainId }, new { op, type = PortalReader.UserType, id },
            $"{(op == "add" ? "bound" : "unbound")} user {id} {(op == "add" ? "to" : "from")} domain {domainId}",
            op == "add" ? "Bound to the domain." : "Unbound from the domain.", ct);

    private Task<IActionResult> MembershipAsync(string id, string groupId, string op, CancellationToken ct) =>
        RelateAsync(Here(id), groupId, "Choose a user group.", "graph_userGroupMembersPost", new { id = groupId }, new { op, type = PortalReader.UserType, id },
            $"{(op == "add" ? "added" : "removed")} user {id} {(op == "add" ? "to" : "from")} group {groupId}",
            op == "add" ? "Added to the group." : "Removed from the group.", ct);

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

        var direct = await db.Associations.AsNoTracking().Where(a => a.TargetType == PortalReader.UserType && a.TargetId == id)
            .Select(a => a.DomainId).ToListAsync(ct);
        var viaGroups = await (from a in db.Associations
                               join g in db.Groups on a.TargetId equals g.Id
                               where a.TargetType == PortalReader.GroupType && groupIds.Contains(a.TargetId)
                               select new { a.DomainId, g.Name }).AsNoTracking().ToListAsync(ct);
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
