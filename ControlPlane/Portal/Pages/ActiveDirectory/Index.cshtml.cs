using System.ComponentModel.DataAnnotations;
using JumpCloudAdi.ControlPlane.Commands.Domains;
using JumpCloudAdi.ControlPlane.Portal.Status;
using JumpCloudAdi.Shared.Dn;
using Microsoft.AspNetCore.Mvc;

namespace JumpCloudAdi.ControlPlane.Portal.Pages.ActiveDirectory;

/// <summary>Directory Integrations &gt; Active Directory: the ADI domains and adding one.</summary>
public sealed class IndexModel(PortalReader reader, ILogger<IndexModel> logger) : PortalPageModel(logger)
{
    public IReadOnlyList<DomainRow> Domains { get; private set; } = [];

    [BindProperty]
    public NewDomainInput NewDomain { get; set; } = new();

    public bool ShowAddForm { get; private set; }

    public async Task OnGetAsync(CancellationToken ct) => Domains = await reader.DomainsAsync(ct);

    public async Task<IActionResult> OnPostAddAsync([FromServices] CreateDomainCommand create, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(create);
        var result = await create.ExecuteAsync(NewDomain.Domain, null, ct);
        if (result.Value is { } domain)
        {
            Audit($"added domain {domain.Domain}");
            return Done($"Domain {domain.Domain} added. Add an agent to start syncing.", $"/activedirectory/{domain.Id}");
        }

        this.ShowError(result.Error!, nameof(NewDomain), "domain");
        ShowAddForm = true;
        Domains = await reader.DomainsAsync(ct);
        return Page();
    }

    /// <summary>As-you-type feedback with the API's own rule; the API checks again on submit.</summary>
    public IActionResult OnGetValidate(string? domain) =>
        SemicolonDn.TryParseDomain(domain, out var dn, out var error)
            ? new JsonResult(new { valid = true, normalized = dn.ToString(), dns = dn.DnsDomain() })
            : new JsonResult(new { valid = false, message = Capitalize(error) });

    private static string Capitalize(string text) => text.Length == 0 ? text : char.ToUpperInvariant(text[0]) + text[1..];

    /// <summary>The add-domain form.</summary>
    public sealed class NewDomainInput
    {
        [Display(Name = "Domain")]
        public string? Domain { get; set; }
    }
}
