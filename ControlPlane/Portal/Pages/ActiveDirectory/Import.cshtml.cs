using JumpCloudAdi.ControlPlane.Commands;
using JumpCloudAdi.ControlPlane.Commands.Agents;
using UpdateDomainCommand = JumpCloudAdi.ControlPlane.Commands.Domains.UpdateDomainCommand;
using JumpCloudAdi.ControlPlane.Data;
using JumpCloudAdi.ControlPlane.Import;
using JumpCloudAdi.ControlPlane.Portal.Status;
using JumpCloudAdi.Shared.Dn;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace JumpCloudAdi.ControlPlane.Portal.Pages.ActiveDirectory;

/// <summary>
/// A domain's configuration (use case, "Update Configuration") and its one-time import from AD: adding an import
/// agent (its connect key shown once), the import runs' summaries, and the guide's steps.
/// </summary>
public sealed class ImportModel(PortalReader reader, ControlPlaneDb db, ILogger<ImportModel> logger) : PortalPageModel(logger)
{
    public AdDomain Domain { get; private set; } = null!;
    public IReadOnlyList<ImportRunDto> Runs { get; private set; } = [];
    public IReadOnlyList<Live.AgentView> ImportAgents { get; private set; } = [];

    /// <summary>Set only in the response to "Add Import Agent": the connect key is shown this once and never stored.</summary>
    public DomainModel.NewConnectKey? NewKey { get; private set; }

    public bool AllowsImport => UseCases.AllowsImport(Domain.UseCase);

    public string DnsDomain => SemicolonDn.TryParseDomain(Domain.Domain, out var dn, out _) ? dn.DnsDomain() : Domain.Domain;

    public string ControlPlaneUrl => $"{Request.Scheme}://{Request.Host}";

    public async Task<IActionResult> OnGetAsync(string id, CancellationToken ct) => await LoadAsync(id, ct) ? Page() : NotFound();

    public async Task<IActionResult> OnPostUpdateConfigurationAsync(string id, string? useCase, [FromServices] UpdateDomainCommand update, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(update);
        if (!WireNames<UseCase>.TryParse(useCase, out var chosen))
        {
            return this.Failed(CommandError.NotOneOf<UseCase>("useCase"), Here(id));
        }

        var result = await update.ExecuteAsync(id, null, chosen, ct);
        if (!result.Succeeded)
        {
            return this.Failed(result.Error!, Here(id));
        }

        Audit($"set the use case of domain {id} to {useCase}");
        return Done($"Configuration updated: {UseCases.Label(chosen)}.", Here(id));
    }

    public async Task<IActionResult> OnPostAddImportAgentAsync(string id, [FromServices] CreateAgentCommand create, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(create);
        var result = await create.ExecuteAsync(id, AgentType.Import, ct);
        if (result.Value is not { } issued)
        {
            return this.Failed(result.Error!, Here(id));
        }

        Audit($"issued a connect key for a new import agent of domain {id}");
        NewKey = new DomainModel.NewConnectKey(issued.Agent.Id, issued.ConnectKey, issued.Agent.KeyIssuedAt, issued.Agent.KeyExpiresAt);
        return await LoadAsync(id, ct) ? Page() : NotFound();
    }

    private static string Here(string id) => $"/activedirectory/{id}/import";

    private async Task<bool> LoadAsync(string id, CancellationToken ct)
    {
        if (await db.Domains.AsNoTracking().SingleOrDefaultAsync(d => d.Id == id, ct) is not { } domain)
        {
            return false;
        }

        Domain = domain;
        ImportAgents = (await reader.AgentsAsync(id, ct)).Where(a => a.AgentType == AgentType.Import).ToList();
        Runs = (await db.ImportRuns.AsNoTracking().Where(r => r.DomainId == id).OrderByDescending(r => r.Id).Take(20).ToListAsync(ct))
            .Select(ImportApi.ToDto).ToList();
        return true;
    }
}
