using System.ComponentModel.DataAnnotations;
using JumpCloudAdi.ControlPlane.Commands.Users;
using JumpCloudAdi.ControlPlane.Data;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace JumpCloudAdi.ControlPlane.Portal.Pages.Users;

/// <summary>User Management &gt; Users: search, list and create system users.</summary>
public sealed class IndexModel(ControlPlaneDb db, CreateUserCommand create, ILogger<IndexModel> logger) : PortalPageModel(logger)
{
    public static readonly string[] Fields = ["username", "email", "firstname", "lastname", "password"];

    [BindProperty(SupportsGet = true, Name = "q")]
    public string? Query { get; set; }

    [BindProperty]
    public NewUserInput NewUser { get; set; } = new();

    public IReadOnlyList<UserRow> Users { get; private set; } = [];
    public int Total { get; private set; }
    public bool ShowAddForm { get; private set; }

    public async Task OnGetAsync(CancellationToken ct) => await LoadAsync(ct);

    public async Task<IActionResult> OnPostCreateAsync(CancellationToken ct)
    {
        var created = await create.ExecuteAsync(new UserInput
        {
            Username = NewUser.Username,
            Email = NewUser.Email,
            Firstname = NewUser.Firstname,
            Lastname = NewUser.Lastname,
            Password = string.IsNullOrEmpty(NewUser.Password) ? null : NewUser.Password,
        }, ct);
        if (created.Value is { } user)
        {
            Audit($"created user {user.Username}");
            return Done($"User {user.Username} created.", $"/users/{user.Id}");
        }

        this.ShowError(created.Error!, nameof(NewUser), Fields);
        ShowAddForm = true;
        NewUser.Password = null;
        await LoadAsync(ct);
        return Page();
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        var users = await db.Users.AsNoTracking().OrderBy(u => u.Username).ToListAsync(ct);
        Total = users.Count;
        if (!string.IsNullOrWhiteSpace(Query))
        {
            var term = Query.Trim();
            users = users.Where(u => new[] { u.Username, u.Email, u.Firstname, u.Lastname, $"{u.Firstname} {u.Lastname}" }
                .Any(f => f.Contains(term, StringComparison.OrdinalIgnoreCase))).ToList();
        }

        var groups = await db.GroupMembers.AsNoTracking().GroupBy(m => m.UserId).Select(g => new { g.Key, Count = g.Count() })
            .ToDictionaryAsync(g => g.Key, g => g.Count, ct);
        var direct = await db.Associations.AsNoTracking().Where(a => a.TargetType == AssociationTypes.User)
            .Select(a => new { a.TargetId, a.DomainId }).ToListAsync(ct);
        var viaGroups = await (from m in db.GroupMembers
                               join a in db.Associations on m.GroupId equals a.TargetId
                               where a.TargetType == AssociationTypes.UserGroup
                               select new { m.UserId, a.DomainId }).AsNoTracking().ToListAsync(ct);
        var domains = direct.Select(d => (UserId: d.TargetId, d.DomainId)).Concat(viaGroups.Select(v => (v.UserId, v.DomainId)))
            .Distinct().GroupBy(d => d.UserId).ToDictionary(g => g.Key, g => g.Count());
        Users = users.Select(u => new UserRow(u, groups.GetValueOrDefault(u.Id), domains.GetValueOrDefault(u.Id))).ToList();
    }

    /// <summary>A row of the users table.</summary>
    public sealed record UserRow(SystemUser User, int Groups, int Domains);

    /// <summary>The create-user form.</summary>
    public sealed class NewUserInput
    {
        [Display(Name = "Username")]
        public string? Username { get; set; }

        [Display(Name = "Email")]
        public string? Email { get; set; }

        [Display(Name = "First name")]
        public string? Firstname { get; set; }

        [Display(Name = "Last name")]
        public string? Lastname { get; set; }

        [Display(Name = "Password")]
        public string? Password { get; set; }
    }
}
