namespace JumpCloudAdi.ControlPlane.Commands.Groups;

/// <summary>What a create or update of a user group sets; a null description on update keeps the current one.</summary>
public sealed record GroupInput(string? Name, string? Description);
