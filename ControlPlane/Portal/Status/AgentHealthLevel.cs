namespace JumpCloudAdi.ControlPlane.Portal.Status;

/// <summary>The colour an agent is shown in.</summary>
public enum AgentHealthLevel
{
    /// <summary>Connected and heard from recently.</summary>
    Green,

    /// <summary>Not yet enrolled, or enrolled but never connected.</summary>
    Yellow,

    /// <summary>Disconnected after having been connected, silent, or its latest results are failures.</summary>
    Red,
}
