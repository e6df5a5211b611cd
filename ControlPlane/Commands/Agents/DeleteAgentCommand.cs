using JumpCloudAdi.ControlPlane.Agents;
using JumpCloudAdi.ControlPlane.Data;
using JumpCloudAdi.ControlPlane.Sync;
using Microsoft.EntityFrameworkCore;

namespace JumpCloudAdi.ControlPlane.Commands.Agents;

/// <summary>
/// Deletes an agent: its credential stops working, its session ends, and its lease (if it was the primary) is released
/// so another agent takes over.
/// </summary>
public sealed class DeleteAgentCommand(ControlPlaneDb db, ChangeLog log, AgentSessions sessions, ChangeNotifier notifier, AgentEvents events)
{
    public Task<CommandResult<string>> ExecuteAsync(string domainId, string agentId, CancellationToken ct) =>
        log.RunAsync<CommandResult<string>>(async () =>
        {
            var deleted = await db.Agents.Where(a => a.Id == agentId && a.DomainId == domainId).ExecuteDeleteAsync(ct);
            if (deleted == 0)
            {
                return CommandError.NotFound("agent");
            }

            await db.Domains.Where(d => d.Id == domainId && d.LeaseAgentId == agentId)
                .ExecuteUpdateAsync(s => s.SetProperty(d => d.LeaseAgentId, (string?)null).SetProperty(d => d.LeaseExpiresAt, (DateTimeOffset?)null), ct);
            log.AfterCommit(() =>
            {
                sessions.Disconnect(agentId);
                notifier.Signal(domainId);
                events.AgentChanged(domainId, agentId);
            });
            await log.CommitAsync(ct);
            return agentId;
        }, ct);
}
