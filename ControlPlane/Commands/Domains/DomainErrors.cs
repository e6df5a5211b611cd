using JumpCloudAdi.ControlPlane.Data;
using JumpCloudAdi.Shared.Dn;

namespace JumpCloudAdi.ControlPlane.Commands.Domains;

/// <summary>The refusals the domain commands share, worded as the API has always answered them.</summary>
internal static class DomainErrors
{
    public const string What = "Active Directory instance";

    public static CommandError NotFound => CommandError.NotFound(What);

    public static CommandError Duplicate(string domain) =>
        CommandError.Conflict("domain", $"domain: an Active Directory instance for {domain} already exists", "duplicateDomain");

    /// <summary>The domain's DN in its normal form (<c>DC=example;DC=com</c>), or the error that says what is wrong with it.</summary>
    public static CommandError? Parse(string? domain, out string normalized)
    {
        if (!SemicolonDn.TryParseDomain(domain, out var dn, out var problem))
        {
            normalized = "";
            return CommandError.Invalid("domain", $"domain: {problem}", "invalidDomain");
        }

        normalized = dn.ToString();
        return null;
    }
}
