namespace JumpCloudAdi.ControlPlane.Portal.Live;

/// <summary>What the server pushes to open portal pages (the strongly typed client of <see cref="PortalHub"/>).</summary>
public interface IPortalClient
{
    /// <summary>An agent's status, primary marker or reported details changed (or it was just added).</summary>
    Task AgentChanged(AgentView agent);

    /// <summary>An agent was deleted.</summary>
    Task AgentRemoved(string domainId, string agentId);

    /// <summary>A domain's primary agent changed.</summary>
    Task PrimaryChanged(PrimaryView primary);

    /// <summary>Agents acknowledged changes with these outcomes.</summary>
    Task SyncOutcomes(IReadOnlyList<OutcomeView> outcomes);

    /// <summary>A domain's sync run advanced or ended (see <see cref="Status.SyncProgress"/>).</summary>
    Task Progress(ProgressView progress);
}
