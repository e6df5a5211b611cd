using JumpCloudAdi.ControlPlane.Commands;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace JumpCloudAdi.ControlPlane.Portal.Pages;

/// <summary>How a portal page shows a command's refusal: beside the form field it names, or at the top of the page.</summary>
public static class CommandErrors
{
    /// <summary>The sentence for a form field: the API's text without its leading <c>field: </c>, capitalized.</summary>
    public static string FieldText(CommandError error)
    {
        ArgumentNullException.ThrowIfNull(error);
        var text = error.Field is { } field && error.Message.StartsWith(field + ": ", StringComparison.Ordinal)
            ? error.Message[(field.Length + 2)..]
            : error.Message;
        return text.Length == 0 ? text : char.ToUpperInvariant(text[0]) + text[1..];
    }

    /// <summary>
    /// Shows <paramref name="error"/> beside <c>prefix.Field</c> when its field is one of <paramref name="fields"/>, else
    /// at the top of the form (<paramref name="prefix"/>).
    /// </summary>
    public static void ShowError(this PageModel page, CommandError error, string prefix, params string[] fields)
    {
        ArgumentNullException.ThrowIfNull(page);
        ArgumentNullException.ThrowIfNull(error);
        var known = fields.FirstOrDefault(f => string.Equals(f, error.Field, StringComparison.OrdinalIgnoreCase));
        page.ModelState.AddModelError(known is null ? prefix : $"{prefix}.{char.ToUpperInvariant(known[0])}{known[1..]}",
            known is null ? error.Message : FieldText(error));
    }

    /// <summary>Redirects to <paramref name="url"/> with the error shown at the top of the page.</summary>
    public static IActionResult Failed(this PageModel page, CommandError error, string url)
    {
        ArgumentNullException.ThrowIfNull(page);
        ArgumentNullException.ThrowIfNull(error);
        page.TempData["PageError"] = error.Message;
        return new RedirectResult(url);
    }
}
