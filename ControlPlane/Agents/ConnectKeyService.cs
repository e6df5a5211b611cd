using JumpCloudAdi.ControlPlane.Data;
using JumpCloudAdi.ControlPlane.Hosting;
using JumpCloudAdi.ControlPlane.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace JumpCloudAdi.ControlPlane.Agents;

/// <summary>Why an enrollment was refused; each maps to its own gRPC status and sentence.</summary>
public enum EnrollFailure
{
    None,
    UnknownKey,
    ExpiredKey,
    UsedKey,
}

/// <summary>Issues one-time connect keys and exchanges them, atomically, for an agent credential.</summary>
public sealed class ConnectKeyService(ControlPlaneDb db, TimeProvider time, IOptions<ConnectKeysOptions> options)
{
    public async Task<(AgentRecord Agent, string ConnectKey)> IssueAsync(string domainId, AgentType agentType, CancellationToken ct)
    {
        var key = "jcck_" + SecretHash.NewSecret();
        var now = time.GetUtcNow();
        var agent = new AgentRecord
        {
            Id = ObjectIds.New(time),
            DomainId = domainId,
            AgentType = agentType,
            State = AgentStates.Unsealed,
            ConnectKeyHash = SecretHash.Of(key),
            KeyIssuedAt = now,
            KeyExpiresAt = now.AddDays(options.Value.LifetimeDays),
        };
        db.Agents.Add(agent);
        await db.SaveChangesAsync(ct);
        return (agent, key);
    }

    /// <summary>
    /// Consumes the key and sets the agent's credential in one conditional update, so of two racing enrollments with
    /// the same key exactly one wins.
    /// </summary>
    public async Task<(EnrollFailure Failure, AgentRecord? Agent, string? Credential)> EnrollAsync(
        string connectKey, string? hostname, string? hostType, string? version, byte[]? publicKey, CancellationToken ct)
    {
        var hash = SecretHash.Of(connectKey);
        var agent = await db.Agents.AsNoTracking().SingleOrDefaultAsync(a => a.ConnectKeyHash == hash, ct);
        if (agent is null)
        {
            return (EnrollFailure.UnknownKey, null, null);
        }

        if (agent.KeyConsumedAt is not null)
        {
            return (EnrollFailure.UsedKey, null, null);
        }

        var now = time.GetUtcNow();
        if (now >= agent.KeyExpiresAt)
        {
            return (EnrollFailure.ExpiredKey, null, null);
        }

        var credential = "jcac_" + SecretHash.NewSecret();
        var credentialHash = SecretHash.Of(credential);
        var won = await db.Agents
            .Where(a => a.Id == agent.Id && a.KeyConsumedAt == null)
            .ExecuteUpdateAsync(s => s
                .SetProperty(a => a.KeyConsumedAt, now)
                .SetProperty(a => a.CredentialHash, credentialHash)
                .SetProperty(a => a.State, AgentStates.Inactive)
                .SetProperty(a => a.Hostname, hostname)
                .SetProperty(a => a.HostType, hostType)
                .SetProperty(a => a.Version, version)
                .SetProperty(a => a.PublicKey, publicKey), ct);
        if (won != 1)
        {
            return (EnrollFailure.UsedKey, null, null);
        }

        agent.KeyConsumedAt = now;
        agent.CredentialHash = credentialHash;
        agent.PublicKey = publicKey;
        return (EnrollFailure.None, agent, credential);
    }
}
