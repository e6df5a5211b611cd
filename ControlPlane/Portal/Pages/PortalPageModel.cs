using JumpCloudAdi.ControlPlane.Portal.Api;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace JumpCloudAdi.ControlPlane.Portal.Pages;

/// <summary>What every signed-in portal page shares: the in-process API, notices after an action, and error display.</summary>
public abstract class PortalPageModel(PortalApi api, ILogger logger) : PageModel
{
    protected PortalApi Api { get; } = api;

    /// <summary>A one-line confirmation shown after a redirect ("User suspended."). Never a secret.</summary>
    [TempData]
    public string? Notice { get; set; }

    /// <summary>An error that belongs to no single field, shown at the top of the page.</summary>
    public string? PageError { get; set; }

    protected string AdminName => User.Identity?.Name ?? "admin";

    protected void Audit(string action) => PortalLog.AdminAction(logger, action, AdminName);

    /// <summary>Shows an API error beside the field it names (<c>prefix.Field</c>), or at the top of the form.</summary>
    protected void ShowError(ApiOutcome outcome, string prefix, params string[] fields)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        var (field, text) = outcome.FieldError(fields);
        ModelState.AddModelError(field is null ? prefix : $"{prefix}.{char.ToUpperInvariant(field[0])}{field[1..]}", text);
    }

    protected IActionResult Done(string notice, string? url = null)
    {
        Notice = notice;
        return url is null ? RedirectToPage() : Redirect(url);
    }

    /// <summary>
    /// Adds or removes a relation (a membership, a domain binding) chosen in a form, through the API: nothing chosen is
    /// an error at the top of <paramref name="here"/>; success is audited and confirmed there.
    /// </summary>
    protected async Task<IActionResult> RelateAsync(string here, string? chosen, string nothingChosen,
        string operationId, object route, object body, string audit, string notice, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(chosen))
        {
            TempData["PageError"] = nothingChosen;
            return Redirect(here);
        }

        var outcome = await Api.SendAsync(operationId, route, body, ct);
        if (!outcome.Succeeded)
        {
            return Failed(outcome, here);
        }

        Audit(audit);
        return Done(notice, here);
    }

    protected IActionResult Failed(ApiOutcome outcome, string? url = null)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        TempData["PageError"] = outcome.Message;
        return url is null ? RedirectToPage() : Redirect(url);
    }

    public override void OnPageHandlerExecuting(Microsoft.AspNetCore.Mvc.Filters.PageHandlerExecutingContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        PageError ??= TempData["PageError"] as string;
        base.OnPageHandlerExecuting(context);
    }
}
