using JumpCloudAdi.ControlPlane.Data;
using JumpCloudAdi.ControlPlane.Portal.Api;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace JumpCloudAdi.ControlPlane.Portal.Pages.Groups;

/// <summary>User Management &gt; User Groups: search, list and create groups.</summary>
public sealed class IndexModel(PortalApi api, ControlPlaneDb db, ILogger<IndexModel> logger) : PortalPageModel(api, logger)
{
    [BindProperty(SupportsGet = true, Name = "q")]
    public string? Query { get; set; }

    [BindProperty]
    public NewGroupInput NewGroup { get; set; } = new();

    public IReadOnlyList<GroupRow> Groups { get; private set; } = [];
    public int Total { get; private set; }
    public bool ShowAddForm { get; private set; }

    public async Task OnGetAsync(CancellationToken ct) => await LoadAsync(ct);

    public async Task<IActionResult> OnPostCreateAsync(CancellationToken ct)
    {
        var outcome = await Api.SendAsync("groups_user_post", body: new { name = NewGroup.Name, description = NewGroup.Description }, ct: ct);
        if (outcome.Succeeded)
        {
            Audit($"created user group {outcome.GetString("name")}");
            return Done($"User group {outcome.GetString("name")} created.", $"/groups/{outcome.GetString("id")}");
        }

        ShowError(outcome, nameof(NewGroup), "name", "description");
        ShowAddForm = true;
        await LoadAsync(ct);
        return Page();
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        var groups = await db.Groups.AsNoTracking().OrderBy(g => g.Name).ToListAsync(ct);
        Total = groups.Count;
        if (!string.IsNullOrWhiteSpace(Query))
        {
            var term = Query.Trim();
            groups = groups.Where(g => g.Name.Contains(term, StringComparison.OrdinalIgnoreCase)
                || (g.Description?.Contains(term, StringComparison.OrdinalIgnoreCase) ?? false)).ToList();
        }

        var members = await db.GroupMembers.AsNoTracking().GroupBy(m => m.GroupId).Select(g => new { g.Key, Count = g.Count() })
            .ToDictionaryAsync(g => g.Key, g => g.Count, ct);
        var domains = await db.Associations.AsNoTracking().Where(a => a.TargetType == AssociationTypes.UserGroup)
            .GroupBy(a => a.TargetId).Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(g => g.Key, g => g.Count, ct);
        Groups = groups.Select(g => new GroupRow(g, members.GetValueOrDefault(g.Id), domains.GetValueOrDefault(g.Id))).ToList();
    }

    /// <summary>A row of the groups table.</summary>
    public sealed record GroupRow(UserGroup Group, int Members, int Domains);

    /// <summary>The create-group form.</summary>
    public sealed class NewGroupInput
    {
        public string? Name { get; set; }
        public string? Description { get; set; }
    }
}
