using JumpCloudAdi.ControlPlane.Commands;

namespace JumpCloudAdi.ControlPlane.Import;

/// <summary>The import's rules the commands ask: an IMPORT connect key only while the domain's use case imports.</summary>
public static class ImportRules
{
    /// <summary>The 400 for an IMPORT connect key while the domain's use case does not allow importing; null when it does.</summary>
    public static CommandError? RefuseImportKey(string useCase) =>
        UseCases.AllowsImport(useCase)
            ? null
            : CommandError.Invalid("agentType",
                $"agentType: an IMPORT agent needs the domain's useCase to be {UseCases.TwoWaySync} (\"{UseCases.Label(UseCases.TwoWaySync)}\") or {UseCases.AdAsAuthority}; it is {useCase}. Update the configuration first (PATCH /api/v2/activedirectories/{{id}} with useCase)",
                "importNotAllowed");
}
