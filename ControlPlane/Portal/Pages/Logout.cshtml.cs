using JumpCloudAdi.ControlPlane.Portal.Security;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace JumpCloudAdi.ControlPlane.Portal.Pages;

/// <summary>Signs the administrator out; POST only, so a link on another site cannot do it.</summary>
public sealed class LogoutModel : PageModel
{
    public IActionResult OnGet() => Redirect(LoginModel.Home);

    public async Task<IActionResult> OnPostAsync()
    {
        await HttpContext.SignOutAsync(PortalAuthentication.Scheme);
        return Redirect(PortalAuthentication.LoginPath);
    }
}
