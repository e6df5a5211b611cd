using JumpCloudAdi.ControlPlane.Data;

namespace JumpCloudAdi.ControlPlane.Import;

/// <summary>
/// The labels JumpCloud's console shows for the ADI use cases (<see cref="UseCase"/>), and which of them allow an
/// IMPORT agent: importing users from AD only makes sense while AD may be an authority.
/// </summary>
public static class UseCases
{
    /// <summary>Every value, in the order the portal offers them.</summary>
    public static readonly IReadOnlyList<(UseCase Value, string Label)> All =
    [
        (UseCase.JcAsAuthority, "Manage users and passwords in JumpCloud"),
        (UseCase.TwoWaySync, "Manage users and passwords in either system, or both"),
        (UseCase.AdAsAuthority, "Manage users and passwords in Active Directory"),
        (UseCase.Unset, "Not configured"),
    ];

    /// <summary>True when an import agent may be added: AD is (one of) the authorities.</summary>
    public static bool AllowsImport(UseCase value) => value is UseCase.TwoWaySync or UseCase.AdAsAuthority;

    public static string Label(UseCase value) => All.First(u => u.Value == value).Label;
}
