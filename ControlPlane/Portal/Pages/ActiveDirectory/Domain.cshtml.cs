using JumpCloudAdi.ControlPlane.Data;
using JumpCloudAdi.ControlPlane.Portal.Api;
using JumpCloudAdi.ControlPlane.Portal.Live;
using JumpCloudAdi.ControlPlane.Portal.Status;
using JumpCloudAdi.Shared.Dn;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace JumpCloudAdi.ControlPlane.Portal.Pages.ActiveDirectory;

/// <summary>One ADI domain: its agents (with live status), bound users and groups, and sync activity.</summary>
public sealed class DomainModel(PortalApi api, PortalReader reader, ControlPlaneDb db, ILogger<DomainModel> logger) : PortalPageModel(api, logger)
{
    public static readonly string[] Tabs = ["details", "users", "groups", "activity"];

    public AdDomain Domain { get; private set; } = null!;
    public string? PrimaryAgentId { get; private set; }
    public IReadOnlyList<AgentView> Agents { get; private set; } = [];
    public IReadOnlyList<BoundObjectRow> Users { get; private set; } = [];
    public IReadOnlyList<BoundObjectRow> Groups { get; private set; } = [];
    public IReadOnlyList<OutcomeView> Feed { get; private set; } = [];
    public IReadOnlyList<(string Id, string Name)> BindableUsers { get; private set; } = [];
    public IReadOnlyList<(string Id, string Name)> BindableGroups { get; private set; } = [];
    public int FailedCount { get; private set; }

    /// <summary>The current or last sync run (reconcile, initial sync), when large enough to show; updated live.</summary>
    public ProgressView? Progress => reader.Progress(Domain.Id);

    /// <summary>Set only in the response to "Add agent": the connect key is shown this once and never stored.</summary>
    public NewConnectKey? NewKey { get; private set; }

    [BindProperty(SupportsGet = true)]
    public string Tab { get; set; } = "details";

    public string DnsDomain => SemicolonDn.TryParseDomain(Domain.Domain, out var dn, out _) ? dn.DnsDomain() : Domain.Domain;

    public string ControlPlaneUrl => $"{Request.Scheme}://{Request.Host}";

    public async Task<IActionResult> OnGetAsync(string id, CancellationToken ct) => await LoadAsync(id, ct) ? Page() : NotFound();

    public async Task<IActionResult> OnPostAddAgentAsync(string id, CancellationToken ct)
    {
        var outcome = await Api.SendAsync("activedirectories_agentsPost", new { id }, new { agentType = "SYNC" }, ct);
        if (!outcome.Succeeded)
        {
            return Failed(outcome, Here(id));
        }

        Audit($"issued a connect key for a new agent of domain {id}");
        var expires = outcome.Body.TryGetProperty("connectKeyExpiresAt", out var e) ? e.GetDateTimeOffset() : reader.Now.AddDays(7);
        NewKey = new NewConnectKey(outcome.GetString("id")!, outcome.GetString("connectKey")!, expires);
        Tab = "details";
        return await LoadAsync(id, ct) ? Page() : NotFound();
    }

    public async Task<IActionResult> OnPostDeleteAgentAsync(string id, string agentId, CancellationToken ct)
    {
        var outcome = await Api.SendAsync("activedirectories_agentsDelete", new { id, agentId }, ct: ct);
        if (!outcome.Succeeded)
        {
            return Failed(outcome, Here(id));
        }

        Audit($"deleted agent {agentId} of domain {id}");
        return Done("Agent deleted. Its credential no longer works; install it again with a new connect key to reconnect it.", Here(id));
    }

    /// <summary>Reconcile with every password re-sent from the vault: for a rebuilt DC.</summary>
    public async Task<IActionResult> OnPostResendPasswordsAsync(string id, CancellationToken ct)
    {
        var outcome = await Api.SendAsync("activedirectories_reconcile", new { id }, body: null, query: "?passwords=true", ct);
        if (!outcome.Succeeded)
        {
            return Failed(outcome, Here(id));
        }

        Audit($"asked for a reconcile of domain {id} with every password re-sent");
        return Done("Reconcile queued with every password re-sent: the primary agent rewrites each account and its password; see each user's sync status.", Here(id));
    }

    public Task<IActionResult> OnPostBindAsync(string id, string type, string targetId, CancellationToken ct) => AssociateAsync(id, "add", type, targetId, ct);

    public Task<IActionResult> OnPostUnbindAsync(string id, string type, string targetId, CancellationToken ct) => AssociateAsync(id, "remove", type, targetId, ct);

    public async Task<IActionResult> OnPostDeleteDomainAsync(string id, CancellationToken ct)
    {
        var outcome = await Api.SendAsync("activedirectories_delete", new { id }, ct: ct);
        if (!outcome.Succeeded)
        {
            return Failed(outcome, Here(id));
        }

        Audit($"deleted domain {outcome.GetString("domain")}");
        return Done($"Domain {outcome.GetString("domain")} deleted. Its agents were disconnected; nothing was removed from the directory.", "/activedirectory");
    }

    private Task<IActionResult> AssociateAsync(string id, string op, string type, string targetId, CancellationToken ct)
    {
        Tab = type == PortalReader.GroupType ? "groups" : "users";
        return RelateAsync(Here(id), targetId, type == PortalReader.GroupType ? "Choose a user group to bind." : "Choose a user to bind.",
            "graph_activeDirectoryAssociationsPost", new { id }, new { op, type, id = targetId },
            $"{(op == "add" ? "bound" : "unbound")} {type} {targetId} {(op == "add" ? "to" : "from")} domain {id}",
            op == "add" ? "Bound to the domain; the primary agent syncs it next." : "Unbound from the domain.", ct);
    }

    private string Here(string id) => Tab == "details" ? $"/activedirectory/{id}" : $"/activedirectory/{id}?tab={Tab}";

    private async Task<bool> LoadAsync(string id, CancellationToken ct)
    {
        if (await db.Domains.AsNoTracking().SingleOrDefaultAsync(d => d.Id == id, ct) is not { } domain)
        {
            return false;
        }

        Tab = Tabs.Contains(Tab) ? Tab : "details";
        Domain = domain;
        PrimaryAgentId = PortalReader.PrimaryOf(domain, reader.Now);
        Agents = await reader.AgentsAsync(id, ct);
        Users = await reader.BoundUsersAsync(id, ct);
        Groups = await reader.BoundGroupsAsync(id, ct);
        Feed = await reader.FeedAsync(id, 100, ct);
        FailedCount = await db.SyncStatuses.CountAsync(s => s.DomainId == id && s.Outcome == "failed", ct);
        if (Tab == "users")
        {
            var direct = Users.Where(u => u.Direct).Select(u => u.Id).ToHashSet();
            BindableUsers = (await db.Users.AsNoTracking().OrderBy(u => u.Username).Select(u => new { u.Id, u.Username }).ToListAsync(ct))
                .Where(u => !direct.Contains(u.Id)).Select(u => (u.Id, u.Username)).ToList();
        }
        else if (Tab == "groups")
        {
            var bound = Groups.Select(g => g.Id).ToHashSet();
            BindableGroups = (await db.Groups.AsNoTracking().OrderBy(g => g.Name).Select(g => new { g.Id, g.Name }).ToListAsync(ct))
                .Where(g => !bound.Contains(g.Id)).Select(g => (g.Id, g.Name)).ToList();
        }

        return true;
    }

    /// <summary>A connect key just issued, with when it stops working.</summary>
    public sealed record NewConnectKey(string AgentId, string Key, DateTimeOffset ExpiresAt);
}
