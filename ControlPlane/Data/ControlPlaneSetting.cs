namespace JumpCloudAdi.ControlPlane.Data;

/// <summary>
/// A named value the control plane keeps once for every replica that shares the database, such as the generated
/// portal password's hash. Written with <see cref="ControlPlaneSettings.GetOrAdd"/>, never overwritten.
/// </summary>
public sealed class ControlPlaneSetting
{
    public required string Name { get; set; }
    public required string Value { get; set; }
}
