using JumpCloudAdi.ControlPlane.Commands.Groups;
using JumpCloudAdi.ControlPlane.Data;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace JumpCloudAdi.ControlPlane.Portal.Pages.Groups;

/// <summary>User Management &gt; User Groups: search, list and create groups.</summary>
public sealed class IndexModel(ControlPlaneDb db, CreateUserGroupCommand create, ILogger<IndexModel> logger) : PortalPageModel(logger)
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
        var created = await create.ExecuteAsync(new GroupInput(NewGroup.Name, NewGroup.Description), ct);
        if (created.Value is { } group)
        {
            Audit($"created user group {group.Name}");
            return Done($"User group {group.Name} created.", $"/groups/{group.Id}");
        }

        this.ShowError(created.Error!, nameof(NewGroup), "name", "description");
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
