using JumpCloudAdi.ControlPlane.Data;
using JumpCloudAdi.ControlPlane.Portal.Status;

namespace JumpCloudAdi.ControlPlane.Import;

/// <summary>
/// An enrolled IMPORT agent's status: green while connected, yellow once it stops contacting (never red: an import
/// agent is uninstalled once the import is done and is expected to go quiet; then it is deleted).
/// </summary>
public static class ImportAgentHealth
{
    public static AgentHealth Evaluate(AgentRecord agent, DateTimeOffset now, TimeSpan freshFor)
    {
        ArgumentNullException.ThrowIfNull(agent);
        if (agent.State == AgentStates.Active && agent.ContactAt is { } contact && now - contact <= freshFor)
        {
            return new(AgentHealthLevel.Green, "Connected", "Import agent connected: it reads the ADI security group and imports its members.");
        }

        return agent.ContactAt is { } last
            ? new(AgentHealthLevel.Yellow, "No longer active",
                $"This import agent stopped contacting the control plane (last heard from {AgentHealth.Utc(last)}). Once the import is done, delete it.")
            : new(AgentHealthLevel.Yellow, "Not connected", "Enrolled, but it has not connected yet. Run it with: run --config ... or import --once.");
    }
}
