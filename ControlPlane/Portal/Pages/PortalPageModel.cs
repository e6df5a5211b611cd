using JumpCloudAdi.ControlPlane.Commands;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace JumpCloudAdi.ControlPlane.Portal.Pages;

/// <summary>
/// What every signed-in portal page shares: notices after an action and errors at the top of the page. Actions run
/// commands; their refusals are shown with <see cref="CommandErrors"/>.
/// </summary>
public abstract class PortalPageModel : PageModel
{
    private readonly ILogger _logger;

    protected PortalPageModel(ILogger logger) => _logger = logger;

    /// <summary>A one-line confirmation shown after a redirect ("User suspended."). Never a secret.</summary>
    [TempData]
    public string? Notice { get; set; }

    /// <summary>An error that belongs to no single field, shown at the top of the page.</summary>
    public string? PageError { get; set; }

    protected string AdminName => User.Identity?.Name ?? "admin";

    protected void Audit(string action) => PortalLog.AdminAction(_logger, action, AdminName);

    protected IActionResult Done(string notice, string? url = null)
    {
        Notice = notice;
        return url is null ? RedirectToPage() : Redirect(url);
    }

    /// <summary>
    /// Adds or removes a relation (a membership, a domain binding) chosen in a form with <paramref name="relate"/> (a
    /// command): nothing chosen is an error at the top of <paramref name="here"/>; success is audited and confirmed there.
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
            return this.Failed(error, here);
        }

        Audit(audit);
        return Done(notice, here);
    }

    /// <summary>The confirmation step of a destructive action (<c>Shared/_ChangePreview.cshtml</c>): what it would send, nothing done yet.</summary>
    public ChangePreviewPrompt? Confirm { get; protected set; }

    /// <summary>
    /// Runs <paramref name="command"/> as a dry run (<see cref="Sync.DryRunner"/>): refused, the refusal is shown at
    /// <paramref name="here"/>; otherwise <see cref="Confirm"/> is the prompt <paramref name="prompt"/> makes of its
    /// result and preview, on the page as <paramref name="load"/> loads it.
    /// </summary>
    protected async Task<IActionResult> PreviewAsync<T>(Sync.DryRunner dryRun, Func<Task<CommandResult<T>>> command,
        Func<T, Sync.ChangePreview, ChangePreviewPrompt> prompt, string here, Func<Task<bool>> load, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(dryRun);
        ArgumentNullException.ThrowIfNull(prompt);
        ArgumentNullException.ThrowIfNull(load);
        var (result, preview) = await dryRun.RunAsync(command, ct);
        if (!result.Succeeded)
        {
            return this.Failed(result.Error!, here);
        }

        Confirm = prompt(result.Value!, preview);
        return await load() ? Page() : NotFound();
    }

    public override void OnPageHandlerExecuting(Microsoft.AspNetCore.Mvc.Filters.PageHandlerExecutingContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        PageError ??= TempData["PageError"] as string;
        base.OnPageHandlerExecuting(context);
    }
}
