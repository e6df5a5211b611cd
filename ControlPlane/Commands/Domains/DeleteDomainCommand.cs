using JumpCloudAdi.ControlPlane.Agents;
using JumpCloudAdi.ControlPlane.Data;
using JumpCloudAdi.ControlPlane.Sync;
using Microsoft.EntityFrameworkCore;

namespace JumpCloudAdi.ControlPlane.Commands.Domains;

/// <summary>
/// Deletes a domain with its agents (their credentials stop working and their sessions end), bindings, change log and
/// sync records. Nothing is removed from the directory itself.
/// </summary>
public sealed class DeleteDomainCommand(ControlPlaneDb db, ChangeLog log, AgentSessions sessions)
{
    public Task<CommandResult<AdDomain>> ExecuteAsync(string id, CancellationToken ct) =>
        log.RunAsync<CommandResult<AdDomain>>(async () =>
        {
            var domain = await db.Domains.FindAsync([id], ct);
            if (domain is null)
            {
                return DomainErrors.NotFound;
            }

            var agentIds = await db.Agents.Where(a => a.DomainId == id).Select(a => a.Id).ToListAsync(ct);
            // Its agents, bindings, change log, sync status and history go with it (foreign keys with cascades).
            db.Domains.Remove(domain);
            log.AfterCommit(() =>
            {
                foreach (var agentId in agentIds)
                {
                    sessions.Disconnect(agentId);
                }
            });
            await log.CommitAsync(ct);
            return domain;
        }, ct);
}
