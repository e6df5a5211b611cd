using JumpCloudAdi.ControlPlane.Commands;
using JumpCloudAdi.ControlPlane.Data;

namespace JumpCloudAdi.ControlPlane.Import;

/// <summary>The import's rules the commands ask: an IMPORT connect key only while the domain's use case imports.</summary>
public static class ImportRules
{
    /// <summary>The 400 for an IMPORT connect key while the domain's use case does not allow importing; null when it does.</summary>
    public static CommandError? RefuseImportKey(UseCase useCase) =>
        UseCases.AllowsImport(useCase)
            ? null
            : CommandError.Invalid("agentType",
                $"agentType: an IMPORT agent needs the domain's useCase to be {UseCase.TwoWaySync.ToWire()} (\"{UseCases.Label(UseCase.TwoWaySync)}\") or {UseCase.AdAsAuthority.ToWire()}; it is {useCase.ToWire()}. Update the configuration first (PATCH /api/v2/activedirectories/{{id}} with useCase)",
                "importNotAllowed");
}
