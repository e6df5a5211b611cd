using JumpCloudAdi.ControlPlane.Agents;
using JumpCloudAdi.ControlPlane.Commands.Domains;
using JumpCloudAdi.ControlPlane.Data;
using JumpCloudAdi.ControlPlane.Sync;
using JumpCloudAdi.Shared.Vocabulary;
using Microsoft.EntityFrameworkCore;

namespace JumpCloudAdi.ControlPlane.Commands.Agents;

/// <summary>An agent just registered and the one-time connect key it enrolls with (shown once, stored only hashed).</summary>
public sealed record IssuedAgent(AgentRecord Agent, string ConnectKey);

/// <summary>Registers a new agent of a domain and issues its connect key.</summary>
public sealed class CreateAgentCommand(ControlPlaneDb db, ChangeLog log, ConnectKeyService keys)
{
    public Task<CommandResult<IssuedAgent>> ExecuteAsync(string domainId, AgentType? agentType, CancellationToken ct) =>
        log.RunAsync<CommandResult<IssuedAgent>>(async () =>
        {
            if (await db.Domains.AsNoTracking().Where(d => d.Id == domainId).Select(d => (UseCase?)d.UseCase).SingleOrDefaultAsync(ct) is not { } useCase)
            {
                return CommandError.NotFound(DomainErrors.What);
            }

            var type = agentType ?? AgentType.Sync;
            if (type == AgentType.Import && Import.ImportRules.RefuseImportKey(useCase) is { } refused)
            {
                return refused;
            }

            var (agent, key) = await keys.IssueAsync(domainId, type, ct);
            await log.CommitAsync(ct);
            return new IssuedAgent(agent, key);
        }, ct);
}
