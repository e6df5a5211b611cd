using JumpCloudAdi.ControlPlane.Agents;
using JumpCloudAdi.ControlPlane.Data;
using JumpCloudAdi.ControlPlane.Sync;
using JumpCloudAdi.Shared.Dn;
using Microsoft.EntityFrameworkCore;

namespace JumpCloudAdi.ControlPlane.Api;

/// <summary>JumpCloud v2 <c>/activedirectories</c>: ADI domain instances, their agents and associations.</summary>
public static class ActiveDirectoryApi
{
    public static RouteGroupBuilder MapActiveDirectoryApi(this RouteGroupBuilder v2)
    {
        var group = v2.MapGroup("/activedirectories").WithTags("Active Directory");
        group.MapGet("/", ListDomains).WithName("activedirectories_list").Produces<List<ActiveDirectoryDto>>();
        group.MapPost("/", CreateDomain).WithName("activedirectories_post").Produces<ActiveDirectoryDto>(201).Produces<JcError>(400).Produces<JcError>(409);
        group.MapGet("/{id}", GetDomain).WithName("activedirectories_get").Produces<ActiveDirectoryDto>().Produces<JcError>(404);
        group.MapGet("/{id}/agents", ListAgents).WithName("activedirectories_agentsList").Produces<List<AgentDto>>().Produces<JcError>(404);
        group.MapPost("/{id}/agents", CreateAgent).WithName("activedirectories_agentsPost").Produces<AgentDto>(201).Produces<JcError>(400).Produces<JcError>(404);
        group.MapGet("/{id}/associations", ListAssociations).WithName("graph_activeDirectoryAssociationsList").Produces<List<GraphConnectionDto>>();
        group.MapPost("/{id}/associations", PostAssociation).WithName("graph_activeDirectoryAssociationsPost").Produces(204).Produces<JcError>(400).Produces<JcError>(404);
        return group;
    }

    private static async Task<IResult> ListDomains(ControlPlaneDb db, TimeProvider time, int? limit, int? skip, CancellationToken ct)
    {
        var page = Paging.From(limit, skip);
        if (page.Error is not null)
        {
            return page.Error;
        }

        var now = time.GetUtcNow();
        var domains = await db.Domains.OrderBy(d => d.Id).Skip(page.Skip).Take(page.Limit).ToListAsync(ct);
        return TypedResults.Ok(domains.Select(d => d.ToDto(now)).ToList());
    }

    private static async Task<IResult> GetDomain(string id, ControlPlaneDb db, TimeProvider time, CancellationToken ct)
    {
        var domain = await db.Domains.FindAsync([id], ct);
        return domain is null ? JcErrors.NotFound("Active Directory instance") : TypedResults.Ok(domain.ToDto(time.GetUtcNow()));
    }

    private static async Task<IResult> CreateDomain(ActiveDirectoryInput? input, ControlPlaneDb db, TimeProvider time, CancellationToken ct)
    {
        if (!SemicolonDn.TryParseDomain(input?.Domain, out var dn, out var error))
        {
            return JcErrors.BadRequest($"domain: {error}", "invalidDomain");
        }

        var text = dn.ToString();
        if (await db.Domains.AnyAsync(d => d.Domain == text, ct))
        {
            return JcErrors.Conflict($"domain: an Active Directory instance for {text} already exists", "duplicateDomain");
        }

        var now = time.GetUtcNow();
        var domain = new AdDomain { Id = ObjectIds.New(time), Domain = text, UseCase = input?.UseCase ?? "UNSET", CreatedAt = now, UpdatedAt = now };
        db.Domains.Add(domain);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            return JcErrors.Conflict($"domain: an Active Directory instance for {text} already exists", "duplicateDomain");
        }

        return TypedResults.Created($"/api/v2/activedirectories/{domain.Id}", domain.ToDto(now));
    }

    private static async Task<IResult> ListAgents(string id, ControlPlaneDb db, CancellationToken ct)
    {
        if (!await db.Domains.AnyAsync(d => d.Id == id, ct))
        {
            return JcErrors.NotFound("Active Directory instance");
        }

        var agents = await db.Agents.Where(a => a.DomainId == id).OrderBy(a => a.Id).ToListAsync(ct);
        return TypedResults.Ok(agents.Select(a => a.ToDto()).ToList());
    }

    private static async Task<IResult> CreateAgent(string id, AgentInput? input, ConnectKeyService keys, ControlPlaneDb db, CancellationToken ct)
    {
        if (!await db.Domains.AnyAsync(d => d.Id == id, ct))
        {
            return JcErrors.NotFound("Active Directory instance");
        }

        var agentType = input?.AgentType ?? "SYNC";
        if (agentType is not ("SYNC" or "IMPORT"))
        {
            return JcErrors.BadRequest("agentType: must be SYNC or IMPORT", "invalidAgentType");
        }

        var (agent, key) = await keys.IssueAsync(id, agentType, ct);
        return TypedResults.Created($"/api/v2/activedirectories/{id}/agents/{agent.Id}",
            agent.ToDto() with { ConnectKey = key, ConnectKeyExpiresAt = agent.KeyExpiresAt });
    }

    private static async Task<IResult> ListAssociations(string id, string? targets, ControlPlaneDb db, CancellationToken ct)
    {
        if (!await db.Domains.AnyAsync(d => d.Id == id, ct))
        {
            return JcErrors.NotFound("Active Directory instance");
        }

        if (targets is not (null or AssociationTypes.User or AssociationTypes.UserGroup))
        {
            return JcErrors.BadRequest("targets: must be user or user_group", "invalidTargets");
        }

        var list = await db.Associations.Where(a => a.DomainId == id && (targets == null || a.TargetType == targets))
            .OrderBy(a => a.TargetId).ToListAsync(ct);
        return TypedResults.Ok(list.Select(a => new GraphConnectionDto(new GraphObjectDto(a.TargetId, a.TargetType))).ToList());
    }

    private static Task<IResult> PostAssociation(string id, GraphOperationInput? input, ControlPlaneDb db, ChangeLog log, DomainSync sync, CancellationToken ct) =>
        log.RunAsync(async () =>
        {
            if (input?.Op is not ("add" or "remove"))
            {
                return JcErrors.BadRequest("op: must be add or remove", "invalidOp");
            }

            if (input.Type is not (AssociationTypes.User or AssociationTypes.UserGroup))
            {
                return JcErrors.BadRequest("type: must be user or user_group", "invalidType");
            }

            if (string.IsNullOrEmpty(input.Id))
            {
                return JcErrors.BadRequest("id: the id of the user or user group is required", "invalidId");
            }

            var domain = await db.Domains.FindAsync([id], ct);
            if (domain is null)
            {
                return JcErrors.NotFound("Active Directory instance");
            }

            return input.Type == AssociationTypes.User
                ? await AssociateUserAsync(domain, input.Op, input.Id, db, log, sync, ct)
                : await AssociateGroupAsync(domain, input.Op, input.Id, db, log, sync, ct);
        }, ct);

    private static async Task<IResult> AssociateUserAsync(AdDomain domain, string op, string userId, ControlPlaneDb db, ChangeLog log, DomainSync sync, CancellationToken ct)
    {
        var user = await db.Users.FindAsync([userId], ct);
        if (user is null)
        {
            return JcErrors.NotFound("user");
        }

        if (op == "add" && AdRules.CheckBindable(user) is { } problem)
        {
            return JcErrors.BadRequest(problem.Message, problem.Status);
        }

        var before = await sync.DomainsOfUserAsync(userId, ct);
        var existing = await db.Associations.FindAsync([domain.Id, AssociationTypes.User, userId], ct);
        if (op == "add" && existing is null)
        {
            db.Associations.Add(new DomainAssociation { DomainId = domain.Id, TargetType = AssociationTypes.User, TargetId = userId });
        }
        else if (op == "remove" && existing is not null)
        {
            db.Associations.Remove(existing);
        }

        await log.SaveAsync(ct);
        await sync.UserChangedAsync(user, before, ct);
        await log.CommitAsync(ct);
        return TypedResults.NoContent();
    }

    private static async Task<IResult> AssociateGroupAsync(AdDomain domain, string op, string groupId, ControlPlaneDb db, ChangeLog log, DomainSync sync, CancellationToken ct)
    {
        var group = await db.Groups.FindAsync([groupId], ct);
        if (group is null)
        {
            return JcErrors.NotFound("user group");
        }

        var members = await sync.MembersAsync(groupId, ct);
        if (op == "add")
        {
            foreach (var member in members)
            {
                if (AdRules.CheckBindable(member) is { } problem)
                {
                    return JcErrors.BadRequest($"member {member.Username} of group {group.Name}: {problem.Message}", problem.Status);
                }
            }
        }

        var before = new Dictionary<string, HashSet<string>>();
        foreach (var member in members)
        {
            before[member.Id] = await sync.DomainsOfUserAsync(member.Id, ct);
        }

        var existing = await db.Associations.FindAsync([domain.Id, AssociationTypes.UserGroup, groupId], ct);
        if (op == "add")
        {
            if (existing is null)
            {
                db.Associations.Add(new DomainAssociation { DomainId = domain.Id, TargetType = AssociationTypes.UserGroup, TargetId = groupId });
            }

            await log.SaveAsync(ct);
            // Group first, then its users, then who is in it: the agent can resolve every member it is told about.
            await log.AppendAsync(domain.Id, ChangeFactory.GroupUpsert(group), ct);
            foreach (var member in members)
            {
                await sync.UserChangedAsync(member, before[member.Id], ct);
            }

            await log.AppendAsync(domain.Id, ChangeFactory.MembershipSet(group, await sync.MemberUsernamesAsync(groupId, ct)), ct);
        }
        else if (existing is not null)
        {
            db.Associations.Remove(existing);
            await log.SaveAsync(ct);
            await log.AppendAsync(domain.Id, ChangeFactory.GroupDisconnect(group), ct);
            foreach (var member in members)
            {
                await sync.UserChangedAsync(member, before[member.Id], ct);
            }
        }

        await log.CommitAsync(ct);
        return TypedResults.NoContent();
    }
}
