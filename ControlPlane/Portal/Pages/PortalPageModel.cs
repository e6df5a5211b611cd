using JumpCloudAdi.ControlPlane.Commands;
using JumpCloudAdi.ControlPlane.Portal.Api;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace JumpCloudAdi.ControlPlane.Portal.Pages;

/// <summary>What every signed-in portal page shares: notices after an action, error display, and (for some pages still) the in-process API.</summary>
public abstract class PortalPageModel : PageModel
{
    private readonly PortalApi? _api;
    private readonly ILogger _logger;

    /// <summary>For a page whose actions all go through commands.</summary>
    protected PortalPageModel(ILogger logger) => _logger = logger;

    /// <summary>For a page that still sends some actions through the in-process REST API.</summary>
    protected PortalPageModel(PortalApi api, ILogger logger)
        : this(logger) => _api = api;

    protected PortalApi Api => _api ?? throw new InvalidOperationException($"{GetType().Name} was not given the in-process API.");

    /// <summary>A one-line confirmation shown after a redirect ("User suspended."). Never a secret.</summary>
    [TempData]
    public string? Notice { get; set; }

    /// <summary>An error that belongs to no single field, shown at the top of the page.</summary>
    public string? PageError { get; set; }

    protected string AdminName => User.Identity?.Name ?? "admin";

    protected void Audit(string action) => PortalLog.AdminAction(_logger, action, AdminName);

    /// <summary>Shows an API error beside the field it names (<c>prefix.Field</c>), or at the top of the form.</summary>
    protected void ShowError(ApiOutcome outcome, string prefix, params string[] fields)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        var (field, text) = outcome.FieldError(fields);
        ModelState.AddModelError(field is null ? prefix : $"{prefix}.{char.ToUpperInvariant(field[0])}{field[1..]}", text);
    }

    /// <summary>
    /// Shows a command's error beside the form field it concerns (<c>prefix.Field</c>) when the form has that field
    /// (one of <paramref name="fields"/>), otherwise at the top of the form.
    /// </summary>
    protected void ShowError(CommandError error, string prefix, params string[] fields)
    {
        ArgumentNullException.ThrowIfNull(error);
        var field = fields.FirstOrDefault(f => f == error.Field);
        ModelState.AddModelError(field is null ? prefix : $"{prefix}.{char.ToUpperInvariant(field[0])}{field[1..]}",
            field is null ? error.Message : FieldText(error));
    }

    /// <summary>The error's sentence as a form shows it beside its field: without the field name the API's message leads with.</summary>
    protected static string FieldText(CommandError error)
    {
        ArgumentNullException.ThrowIfNull(error);
        var text = error.Field is { } field && error.Message.StartsWith($"{field}: ", StringComparison.Ordinal)
            ? error.Message[(field.Length + 2)..]
            : error.Message;
        return text.Length > 0 ? char.ToUpperInvariant(text[0]) + text[1..] : text;
    }

    /// <summary>After a command that failed: its message at the top of <paramref name="url"/> (this page by default).</summary>
    protected IActionResult Failed(CommandError error, string? url = null)
    {
        ArgumentNullException.ThrowIfNull(error);
        TempData["PageError"] = error.Message;
        return url is null ? RedirectToPage() : Redirect(url);
    }

    /// <summary>
    /// Adds or removes a relation chosen in a form with <paramref name="relate"/> (a command): nothing chosen is an
    /// error at the top of <paramref name="here"/>; success is audited and confirmed there.
    /// </summary>
    protected async Task<IActionResult> RelateAsync(string here, string? chosen, string nothingChosen, Func<string, Task<CommandError?>> relate,
        string audit, string notice)
    {
        ArgumentNullException.ThrowIfNull(relate);
        if (string.IsNullOrEmpty(chosen))
        {
            TempData["PageError"] = nothingChosen;
            return Redirect(here);
        }

        if (await relate(chosen) is { } error)
        {
            return Failed(error, here);
        }

        Audit(audit);
        return Done(notice, here);
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
