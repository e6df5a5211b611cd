namespace JumpCloudAdi.ControlPlane.Import;

/// <summary>
/// JumpCloud's ADI use cases (<c>useCase</c> of an Active Directory instance) with the labels its console shows, and
/// which of them allow an IMPORT agent: importing users from AD only makes sense while AD may be an authority.
/// </summary>
public static class UseCases
{
    public const string Unset = Commands.Domains.UseCases.Unset;
    public const string TwoWaySync = Commands.Domains.UseCases.TwoWaySync;
    public const string JumpCloudAsAuthority = Commands.Domains.UseCases.JcAsAuthority;
    public const string AdAsAuthority = Commands.Domains.UseCases.AdAsAuthority;

    /// <summary>Every value, in the order the portal offers them.</summary>
    public static readonly IReadOnlyList<(string Value, string Label)> All =
    [
        (JumpCloudAsAuthority, "Manage users and passwords in JumpCloud"),
        (TwoWaySync, "Manage users and passwords in either system, or both"),
        (AdAsAuthority, "Manage users and passwords in Active Directory"),
        (Unset, "Not configured"),
    ];

    public static bool IsValid(string? value) => All.Any(u => u.Value == value);

    /// <summary>True when an import agent may be added: AD is (one of) the authorities.</summary>
    public static bool AllowsImport(string? value) => value is TwoWaySync or AdAsAuthority;

    public static string Label(string? value) => All.FirstOrDefault(u => u.Value == value).Label ?? value ?? "";
}
