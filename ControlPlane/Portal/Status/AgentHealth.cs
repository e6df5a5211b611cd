using System.Globalization;
using JumpCloudAdi.ControlPlane.Data;

namespace JumpCloudAdi.ControlPlane.Portal.Status;

/// <summary>An agent's status as the portal shows it: a colour, a short label and a sentence saying why.</summary>
public sealed record AgentHealth(AgentHealthLevel Level, string Label, string Detail)
{
    /// <summary>
    /// How often the gateway records agents' last contact (<see cref="Agents.ContactRecorder"/> writes <c>ContactAt</c> for
    /// every agent heard from, once per interval), so freshness is judged with that much slack on top of 3 heartbeats.
    /// </summary>
    public static readonly TimeSpan ContactRecordInterval = Agents.ContactRecorder.Interval;

    /// <summary>
    /// How long after its last recorded contact a connected agent still counts as healthy: three missed heartbeats,
    /// plus two recording intervals (one for the batching itself, one for a recording that runs late on a busy host),
    /// so a healthy agent never flickers red.
    /// </summary>
    public static TimeSpan FreshFor(TimeSpan heartbeat) => (3 * heartbeat) + (2 * ContactRecordInterval);

    public static AgentHealth Evaluate(AgentRecord agent, DateTimeOffset now, TimeSpan heartbeat, SyncFailure? latestFailure)
    {
        ArgumentNullException.ThrowIfNull(agent);
        if (agent.AgentType == AgentType.Import && agent.State != AgentStates.Unsealed)
        {
            return Import.ImportAgentHealth.Evaluate(agent, now, FreshFor(heartbeat));
        }

        switch (agent.State)
        {
            case AgentStates.Unsealed:
                return now >= agent.KeyExpiresAt
                    ? new(AgentHealthLevel.Yellow, "Key expired", $"Its connect key expired unused on {Utc(agent.KeyExpiresAt)}; delete this agent and add a new one.")
                    : new(AgentHealthLevel.Yellow, "Awaiting install", $"Install the agent with its connect key; the key is valid until {Utc(agent.KeyExpiresAt)}.");
            case AgentStates.Active:
                if (agent.ContactAt is not { } contact || now - contact > FreshFor(heartbeat))
                {
                    return new(AgentHealthLevel.Red, "Not responding",
                        $"Connected, but no heartbeat for more than {(int)FreshFor(heartbeat).TotalSeconds} s.");
                }

                if (latestFailure is not null)
                {
                    return new(AgentHealthLevel.Red, "Sync failing",
                        $"Its latest results are failures: {latestFailure.Message} (code {latestFailure.Code.ToString(CultureInfo.InvariantCulture)}).");
                }

                return new(AgentHealthLevel.Green, "Connected", "Connected and sending heartbeats.");
            default:
                return agent.ContactAt is { } last
                    ? new(AgentHealthLevel.Red, "Disconnected", $"Its connection ended; last heard from {Utc(last)}.")
                    : new(AgentHealthLevel.Yellow, "Not connected", "Enrolled, but it has not connected yet. Check that the agent service is running.");
        }
    }

    internal static string Utc(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);
}
