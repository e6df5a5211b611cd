using JumpCloudAdi.ControlPlane.Data;
using JumpCloudAdi.ControlPlane.Import;
using JumpCloudAdi.ControlPlane.Portal.Api;
using JumpCloudAdi.ControlPlane.Portal.Status;
using JumpCloudAdi.Shared.Dn;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace JumpCloudAdi.ControlPlane.Portal.Pages.ActiveDirectory;

/// <summary>
/// A domain's configuration (use case, "Update Configuration") and its one-time import from AD: adding an import
/// agent (its connect key shown once), the import runs' summaries, and the guide's steps.
/// </summary>
public sealed class ImportModel(PortalApi api, PortalReader reader, ControlPlaneDb db, ILogger<ImportModel> logger) : PortalPageModel(api, logger)
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

    public async Task<IActionResult> OnPostUpdateConfigurationAsync(string id, string? useCase, CancellationToken ct)
    {
        var outcome = await Api.SendAsync("activedirectories_patch", new { id }, new { useCase = useCase ?? "" }, ct);
        if (!outcome.Succeeded)
        {
            return Failed(outcome, Here(id));
        }

        Audit($"set the use case of domain {id} to {useCase}");
        return Done($"Configuration updated: {UseCases.Label(useCase)}.", Here(id));
    }

    public async Task<IActionResult> OnPostAddImportAgentAsync(string id, CancellationToken ct)
    {
        var outcome = await Api.SendAsync("activedirectories_agentsPost", new { id }, new { agentType = "IMPORT" }, ct);
        if (!outcome.Succeeded)
        {
            return Failed(outcome, Here(id));
        }

        Audit($"issued a connect key for a new import agent of domain {id}");
        var expires = outcome.Body.TryGetProperty("connectKeyExpiresAt", out var e) ? e.GetDateTimeOffset() : reader.Now.AddDays(7);
        NewKey = new DomainModel.NewConnectKey(outcome.GetString("id")!, outcome.GetString("connectKey")!, expires);
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
        ImportAgents = (await reader.AgentsAsync(id, ct)).Where(a => a.AgentType == AgentTypes.Import).ToList();
        Runs = (await db.ImportRuns.AsNoTracking().Where(r => r.DomainId == id).OrderByDescending(r => r.Id).Take(20).ToListAsync(ct))
            .Select(ImportApi.ToDto).ToList();
        return true;
    }
}
