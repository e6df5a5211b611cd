using JumpCloudAdi.ControlPlane.Commands;
using JumpCloudAdi.ControlPlane.Commands.Agents;
using JumpCloudAdi.ControlPlane.Commands.Bindings;
using JumpCloudAdi.ControlPlane.Commands.Domains;
using JumpCloudAdi.ControlPlane.Data;
using JumpCloudAdi.ControlPlane.Portal.Live;
using JumpCloudAdi.ControlPlane.Portal.Status;
using JumpCloudAdi.ControlPlane.Sync;
using JumpCloudAdi.Shared.Dn;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace JumpCloudAdi.ControlPlane.Portal.Pages.ActiveDirectory;

/// <summary>One ADI domain: its agents (with live status), bound users and groups, and sync activity.</summary>
public sealed class DomainModel(PortalReader reader, ControlPlaneDb db, ILogger<DomainModel> logger) : PortalPageModel(logger)
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

    public async Task<IActionResult> OnPostAddAgentAsync(string id, [FromServices] CreateAgentCommand create, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(create);
        var result = await create.ExecuteAsync(id, AgentType.Sync, ct);
        if (result.Value is not { } issued)
        {
            return this.Failed(result.Error!, Here(id));
        }

        Audit($"issued a connect key for a new agent of domain {id}");
        NewKey = new NewConnectKey(issued.Agent.Id, issued.ConnectKey, issued.Agent.KeyIssuedAt, issued.Agent.KeyExpiresAt);
        Tab = "details";
        return await LoadAsync(id, ct) ? Page() : NotFound();
    }

    public async Task<IActionResult> OnPostDeleteAgentAsync(string id, string agentId, [FromServices] DeleteAgentCommand delete, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(delete);
        var result = await delete.ExecuteAsync(id, agentId, ct);
        if (!result.Succeeded)
        {
            return this.Failed(result.Error!, Here(id));
        }

        Audit($"deleted agent {agentId} of domain {id}");
        return Done("Agent deleted. Its credential no longer works; install it again with a new connect key to reconnect it.", Here(id));
    }

    /// <summary>Reconcile with every password re-sent from the vault: for a rebuilt DC.</summary>
    public async Task<IActionResult> OnPostResendPasswordsAsync(string id, [FromServices] ReconcileDomainCommand reconcile, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(reconcile);
        var result = await reconcile.ExecuteAsync(id, ct, passwords: true);
        if (!result.Succeeded)
        {
            return this.Failed(result.Error!, Here(id));
        }

        Audit($"asked for a reconcile of domain {id} with every password re-sent");
        return Done("Reconcile queued with every password re-sent: the primary agent rewrites each account and its password; see each user's sync status.", Here(id));
    }

    public Task<IActionResult> OnPostBindAsync(string id, string type, string targetId, [FromServices] BindUserCommand bindUser, [FromServices] BindGroupCommand bindGroup,
        CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(bindUser);
        ArgumentNullException.ThrowIfNull(bindGroup);
        return RelateAsync(id, type, targetId, true,
            () => type == PortalReader.GroupType ? bindGroup.ExecuteAsync(id, targetId, ct) : bindUser.ExecuteAsync(id, targetId, ct));
    }

    public Task<IActionResult> OnPostUnbindAsync(string id, string type, string targetId, [FromServices] UnbindUserCommand unbindUser,
        [FromServices] UnbindGroupCommand unbindGroup, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(unbindUser);
        ArgumentNullException.ThrowIfNull(unbindGroup);
        return RelateAsync(id, type, targetId, false,
            () => type == PortalReader.GroupType ? unbindGroup.ExecuteAsync(id, targetId, ct) : unbindUser.ExecuteAsync(id, targetId, ct));
    }

    public async Task<IActionResult> OnPostDeleteDomainAsync(string id, [FromServices] DeleteDomainCommand delete, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(delete);
        var result = await delete.ExecuteAsync(id, ct);
        if (result.Value is not { } domain)
        {
            return this.Failed(result.Error!, Here(id));
        }

        Audit($"deleted domain {domain.Domain}");
        return Done($"Domain {domain.Domain} deleted. Its agents were disconnected; nothing was removed from the directory.", "/activedirectory");
    }

    /// <summary>The confirmation step of "Delete domain": what it would do, nothing done yet.</summary>
    public async Task<IActionResult> OnPostPreviewDeleteDomainAsync(string id, [FromServices] DeleteDomainCommand delete, [FromServices] DryRunner dryRun,
        CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(delete);
        ArgumentNullException.ThrowIfNull(dryRun);
        var (result, preview) = await dryRun.RunAsync(() => delete.ExecuteAsync(id, ct), ct);
        if (result.Value is not { } domain)
        {
            return this.Failed(result.Error!, Here(id));
        }

        var agents = await db.Agents.CountAsync(a => a.DomainId == id, ct);
        Tab = "details";
        Confirm = new ChangePreviewPrompt($"Delete the domain {domain.Domain}?",
            $"Its {agents} agent{(agents == 1 ? " is" : "s are")} disconnected at once and its bindings, change log and sync history are removed. Nothing is deleted from the directory itself.",
            preview, "DeleteDomain", new Dictionary<string, string> { ["id"] = id }, new Dictionary<string, string>(), "Delete domain", Here(id));
        return await LoadAsync(id, ct) ? Page() : NotFound();
    }

    /// <summary>The confirmation step of "Unbind": what the domain's agent would be told, nothing done yet.</summary>
    public async Task<IActionResult> OnPostPreviewUnbindAsync(string id, string type, string targetId, [FromServices] UnbindUserCommand unbindUser,
        [FromServices] UnbindGroupCommand unbindGroup, [FromServices] DryRunner dryRun, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(unbindUser);
        ArgumentNullException.ThrowIfNull(unbindGroup);
        ArgumentNullException.ThrowIfNull(dryRun);
        var group = type == PortalReader.GroupType;
        Tab = group ? "groups" : "users";
        var (result, preview) = await dryRun.RunAsync(
            () => group ? unbindGroup.ExecuteAsync(id, targetId, ct) : unbindUser.ExecuteAsync(id, targetId, ct), ct);
        if (!result.Succeeded)
        {
            return this.Failed(result.Error!, Here(id));
        }

        var name = group
            ? await db.Groups.AsNoTracking().Where(g => g.Id == targetId).Select(g => g.Name).SingleAsync(ct)
            : await db.Users.AsNoTracking().Where(u => u.Id == targetId).Select(u => u.Username).SingleAsync(ct);
        var domain = await db.Domains.AsNoTracking().Where(d => d.Id == id).Select(d => d.Domain).SingleAsync(ct);
        Confirm = new ChangePreviewPrompt($"Unbind {(group ? "user group" : "user")} {name} from {domain}?",
            group
                ? "The group, and each member that no other binding keeps in the domain, is disconnected there (the agent disables or deletes the accounts as its disconnection setting says)."
                : "The user is disconnected from the domain unless a bound group still brings it (the agent disables or deletes the account as its disconnection setting says).",
            preview, "Unbind", new Dictionary<string, string> { ["id"] = id },
            new Dictionary<string, string> { ["type"] = type, ["targetId"] = targetId }, "Unbind", Here(id));
        return await LoadAsync(id, ct) ? Page() : NotFound();
    }

    /// <summary>Binds or unbinds the chosen user or group (the command runs only when something was chosen).</summary>
    private async Task<IActionResult> RelateAsync(string id, string type, string? targetId, bool bind, Func<Task<CommandResult<Binding>>> command)
    {
        Tab = type == PortalReader.GroupType ? "groups" : "users";
        if (string.IsNullOrEmpty(targetId))
        {
            TempData["PageError"] = type == PortalReader.GroupType ? "Choose a user group to bind." : "Choose a user to bind.";
            return Redirect(Here(id));
        }

        var result = await command();
        if (!result.Succeeded)
        {
            return this.Failed(result.Error!, Here(id));
        }

        Audit($"{(bind ? "bound" : "unbound")} {type} {targetId} {(bind ? "to" : "from")} domain {id}");
        return Done(bind ? "Bound to the domain; the primary agent syncs it next." : "Unbound from the domain.", Here(id));
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
        FailedCount = await db.SyncStatuses.CountAsync(s => s.DomainId == id && s.Outcome == SyncOutcomeKind.Failed, ct);
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
    public sealed record NewConnectKey(string AgentId, string Key, DateTimeOffset IssuedAt, DateTimeOffset ExpiresAt)
    {
        /// <summary>How long the key is valid, as issued (<c>ConnectKeys:LifetimeDays</c> at the time).</summary>
        public int LifetimeDays => (int)Math.Round((ExpiresAt - IssuedAt).TotalDays);
    }
}
