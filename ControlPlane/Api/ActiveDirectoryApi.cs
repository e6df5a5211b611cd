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
        group.MapPatch("/{id}", PatchDomain).WithName("activedirectories_patch").Produces<ActiveDirectoryDto>().Produces<JcError>(400).Produces<JcError>(404).Produces<JcError>(409);
        group.MapDelete("/{id}", DeleteDomain).WithName("activedirectories_delete").Produces<ActiveDirectoryDto>().Produces<JcError>(404);
        group.MapGet("/{id}/agents/{agentId}", GetAgent).WithName("activedirectories_agentsGet").Produces<AgentDto>().Produces<JcError>(404);
        group.MapDelete("/{id}/agents/{agentId}", DeleteAgent).WithName("activedirectories_agentsDelete").Produces(204).Produces<JcError>(404);
        group.MapGet("/{id}/users", TraverseUsers).WithName("graph_activeDirectoryTraverseUser").Produces<List<GraphObjectWithPathsDto>>().Produces<JcError>(404);
        group.MapPost("/{id}/reconcile", Reconcile).WithName("activedirectories_reconcile")
            .WithSummary("Extension: queue the domain's whole desired state so the primary agent repairs any drift")
            .Produces<ReconcileDto>(202).Produces<JcError>(404);
        group.MapGet("/{id}/history", ObjectHistory).WithName("activedirectories_history")
            .WithSummary("Extension: an object's recent sync outcomes in the domain, newest first (at most 50 are kept per object)")
            .Produces<List<SyncHistoryDto>>().Produces<JcError>(400).Produces<JcError>(404);
        group.MapGet("/{id}/usergroups", TraverseGroups).WithName("graph_activeDirectoryTraverseUserGroup").Produces<List<GraphObjectWithPathsDto>>().Produces<JcError>(404);
        group.MapGet("/{id}/agents", ListAgents).WithName("activedirectories_agentsList").Produces<List<AgentDto>>().Produces<JcError>(404);
        group.MapPost("/{id}/agents", CreateAgent).WithName("activedirectories_agentsPost").Produces<AgentDto>(201).Produces<JcError>(400).Produces<JcError>(404);
        group.MapGet("/{id}/associations", ListAssociations).WithName("graph_activeDirectoryAssociationsList").Produces<List<GraphConnectionDto>>();
        group.MapPost("/{id}/associations", PostAssociation).WithName("graph_activeDirectoryAssociationsPost").Produces(204).Produces<JcError>(400).Produces<JcError>(404);
        return group;
    }

    private static async Task<IResult> ListDomains(HttpRequest request, ControlPlaneDb db, TimeProvider time, CancellationToken ct)
    {
        var (query, error) = ListQuery.Parse<ActiveDirectoryDto>(request);
        if (query is null)
        {
            return error!;
        }

        var now = time.GetUtcNow();
        var domains = await db.Domains.AsNoTracking().OrderBy(d => d.Id).ToListAsync(ct);
        return query.Apply(domains.Select(d => d.ToDto(now))).ToV2(request);
    }

    private static Task<IResult> PatchDomain(string id, ActiveDirectoryInput? input, ControlPlaneDb db, ChangeLog log, TimeProvider time, CancellationToken ct) =>
        log.RunAsync(async () =>
        {
            var domain = await db.Domains.FindAsync([id], ct);
            if (domain is null)
            {
                return JcErrors.NotFound("Active Directory instance");
            }

            if (input?.UseCase is { } useCase)
            {
                if (useCase is not ("UNSET" or "TWOWAYSYNC" or "JCASAUTHORITY" or "ADASAUTHORITY"))
                {
                    return JcErrors.BadRequest("useCase: must be one of UNSET, TWOWAYSYNC, JCASAUTHORITY, ADASAUTHORITY", "invalidUseCase");
                }

                domain.UseCase = useCase;
            }

            if (input?.Domain is not null)
            {
                if (!SemicolonDn.TryParseDomain(input.Domain, out var dn, out var problem))
                {
                    return JcErrors.BadRequest($"domain: {problem}", "invalidDomain");
                }

                var text = dn.ToString();
                if (text != domain.Domain && await db.Domains.AnyAsync(d => d.Domain == text && d.Id != id, ct))
                {
                    return JcErrors.Conflict($"domain: an Active Directory instance for {text} already exists", "duplicateDomain");
                }

                domain.Domain = text;
            }

            domain.UpdatedAt = time.GetUtcNow();
            await log.CommitAsync(ct);
            return TypedResults.Ok(domain.ToDto(time.GetUtcNow()));
        }, ct);

    private static Task<IResult> DeleteDomain(string id, ControlPlaneDb db, ChangeLog log, AgentSessions sessions, TimeProvider time, CancellationToken ct) =>
        log.RunAsync(async () =>
        {
            var domain = await db.Domains.FindAsync([id], ct);
            if (domain is null)
            {
                return JcErrors.NotFound("Active Directory instance");
            }

            var agentIds = await db.Agents.Where(a => a.DomainId == id).Select(a => a.Id).ToListAsync(ct);
            await db.Agents.Where(a => a.DomainId == id).ExecuteDeleteAsync(ct);
            await db.Associations.Where(a => a.DomainId == id).ExecuteDeleteAsync(ct);
            await db.Changes.Where(c => c.DomainId == id).ExecuteDeleteAsync(ct);
            await db.SyncStatuses.Where(s => s.DomainId == id).ExecuteDeleteAsync(ct);
            await db.SyncHistory.Where(h => h.DomainId == id).ExecuteDeleteAsync(ct);
            await db.ImportedObjects.Where(o => o.DomainId == id).ExecuteDeleteAsync(ct);
            await db.ImportRuns.Where(r => r.DomainId == id).ExecuteDeleteAsync(ct);
            db.Domains.Remove(domain);
            await log.CommitAsync(ct);
            foreach (var agentId in agentIds)
            {
                sessions.Disconnect(agentId);
            }

            return TypedResults.Ok(domain.ToDto(time.GetUtcNow()));
        }, ct);

    private static async Task<IResult> GetAgent(string id, string agentId, ControlPlaneDb db, Telemetry.AgentCounters counters, CancellationToken ct)
    {
        var agent = await db.Agents.AsNoTracking().SingleOrDefaultAsync(a => a.Id == agentId && a.DomainId == id, ct);
        return agent is null ? JcErrors.NotFound("agent") : TypedResults.Ok(agent.ToDto(counters));
    }

    private static async Task<IResult> DeleteAgent(string id, string agentId, ControlPlaneDb db, AgentSessions sessions, ChangeNotifier notifier, AgentEvents events, CancellationToken ct)
    {
        // Deleting revokes the agent's credential; its lease (if primary) is released so another agent takes over.
        var deleted = await db.Agents.Where(a => a.Id == agentId && a.DomainId == id).ExecuteDeleteAsync(ct);
        if (deleted == 0)
        {
            return JcErrors.NotFound("agent");
        }

        await db.Domains.Where(d => d.Id == id && d.LeaseAgentId == agentId)
            .ExecuteUpdateAsync(s => s.SetProperty(d => d.LeaseAgentId, (string?)null).SetProperty(d => d.LeaseExpiresAt, (DateTimeOffset?)null), ct);
        sessions.Disconnect(agentId);
        notifier.Signal(id);
        events.AgentChanged(id, agentId);
        return TypedResults.NoContent();
    }

    private static async Task<IResult> TraverseUsers(string id, HttpRequest request, ControlPlaneDb db, CancellationToken ct)
    {
        if (!await db.Domains.AnyAsync(d => d.Id == id, ct))
        {
            return JcErrors.NotFound("Active Directory instance");
        }

        var (query, error) = ListQuery.Parse<GraphObjectWithPathsDto>(request);
        if (query is null)
        {
            return error!;
        }

        var direct = await db.Associations.AsNoTracking().Where(a => a.DomainId == id && a.TargetType == AssociationTypes.User).Select(a => a.TargetId).ToListAsync(ct);
        var viaGroups = await (from a in db.Associations
                               join m in db.GroupMembers on a.TargetId equals m.GroupId
                               where a.DomainId == id && a.TargetType == AssociationTypes.UserGroup
                               select new { m.UserId, m.GroupId }).ToListAsync(ct);
        var userIds = direct.Concat(viaGroups.Select(v => v.UserId)).Distinct().ToList();
        var statuses = await db.SyncStatuses.AsNoTracking().Where(s => s.DomainId == id && userIds.Contains(s.ObjectId)).ToDictionaryAsync(s => s.ObjectId, ct);
        var withStatus = !string.Equals(request.Query["syncStatus"], "false", StringComparison.OrdinalIgnoreCase);
        var rows = userIds.Order(StringComparer.Ordinal).Select(userId =>
        {
            var paths = new List<IReadOnlyList<GraphConnectionDto>>();
            if (direct.Contains(userId))
            {
                paths.Add([new GraphConnectionDto(new GraphObjectDto(userId, AssociationTypes.User))]);
            }

            paths.AddRange(viaGroups.Where(v => v.UserId == userId).Select(v => (IReadOnlyList<GraphConnectionDto>)
                [new GraphConnectionDto(new GraphObjectDto(v.GroupId, AssociationTypes.UserGroup)), new GraphConnectionDto(new GraphObjectDto(userId, AssociationTypes.User))]));
            return new GraphObjectWithPathsDto(userId, AssociationTypes.User, paths)
            {
                SyncStatus = withStatus && statuses.TryGetValue(userId, out var s) ? SyncStatusDto.From(s) : null,
            };
        });
        return query.Apply(rows).ToV2(request);
    }

    private static async Task<IResult> Reconcile(string id, Reconciler reconciler, CancellationToken ct) =>
        await reconciler.AppendSnapshotAsync(id, ct) is { } range
            ? TypedResults.Accepted($"/api/v2/activedirectories/{id}/users", new ReconcileDto(range.FromSeq, range.ToSeq, range.Objects))
            : JcErrors.NotFound("Active Directory instance");

    private static async Task<IResult> ObjectHistory(string id, HttpRequest request, ControlPlaneDb db, CancellationToken ct)
    {
        if (!await db.Domains.AnyAsync(d => d.Id == id, ct))
        {
            return JcErrors.NotFound("Active Directory instance");
        }

        var objects = request.Query["object"];
        if (objects.Count != 1 || !ObjectIds.IsValid(objects[0]))
        {
            return JcErrors.BadRequest("object: one user or user group id (24 lowercase hexadecimal characters) is required", "invalidObject");
        }

        var (query, error) = ListQuery.Parse<SyncHistoryDto>(request, maxLimit: JumpCloudAdi.ControlPlane.History.SyncHistory.PerObject);
        if (query is null)
        {
            return error!;
        }

        var objectId = objects[0]!;
        var entries = await db.SyncHistory.AsNoTracking().Where(h => h.DomainId == id && h.ObjectId == objectId)
            .OrderByDescending(h => h.Id).ToListAsync(ct);
        return query.Apply(entries.Select(SyncHistoryDto.From)).ToV2(request);
    }

    private static async Task<IResult> TraverseGroups(string id, HttpRequest request, ControlPlaneDb db, CancellationToken ct)
    {
        if (!await db.Domains.AnyAsync(d => d.Id == id, ct))
        {
            return JcErrors.NotFound("Active Directory instance");
        }

        var (query, error) = ListQuery.Parse<GraphObjectWithPathsDto>(request);
        if (query is null)
        {
            return error!;
        }

        var groupIds = await db.Associations.AsNoTracking().Where(a => a.DomainId == id && a.TargetType == AssociationTypes.UserGroup)
            .OrderBy(a => a.TargetId).Select(a => a.TargetId).ToListAsync(ct);
        var statuses = await db.SyncStatuses.AsNoTracking().Where(s => s.DomainId == id && groupIds.Contains(s.ObjectId)).ToDictionaryAsync(s => s.ObjectId, ct);
        var rows = groupIds.Select(g => new GraphObjectWithPathsDto(g, AssociationTypes.UserGroup,
            [[new GraphConnectionDto(new GraphObjectDto(g, AssociationTypes.UserGroup))]])
        {
            SyncStatus = statuses.TryGetValue(g, out var s) ? SyncStatusDto.From(s) : null,
        });
        return query.Apply(rows).ToV2(request);
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

    private static async Task<IResult> ListAgents(string id, HttpRequest request, ControlPlaneDb db, Telemetry.AgentCounters counters, CancellationToken ct)
    {
        var (query, error) = ListQuery.Parse<AgentDto>(request);
        if (query is null)
        {
            return error!;
        }

        if (!await db.Domains.AnyAsync(d => d.Id == id, ct))
        {
            return JcErrors.NotFound("Active Directory instance");
        }

        var agents = await db.Agents.Where(a => a.DomainId == id).OrderBy(a => a.Id).ToListAsync(ct);
        return query.Apply(agents.Select(a => a.ToDto(counters))).ToV2(request);
    }

    private static async Task<IResult> CreateAgent(string id, AgentInput? input, ConnectKeyService keys, ControlPlaneDb db, CancellationToken ct)
    {
        if (await db.Domains.AsNoTracking().Where(d => d.Id == id).Select(d => d.UseCase).SingleOrDefaultAsync(ct) is not { } useCase)
        {
            return JcErrors.NotFound("Active Directory instance");
        }

        var agentType = input?.AgentType ?? "SYNC";
        if (agentType is not ("SYNC" or "IMPORT"))
        {
            return JcErrors.BadRequest("agentType: must be SYNC or IMPORT", "invalidAgentType");
        }

        if (agentType == "IMPORT" && Import.ImportApi.RefuseImportKey(useCase) is { } refused)
        {
            return refused;
        }

        var (agent, key) = await keys.IssueAsync(id, agentType, ct);
        return TypedResults.Created($"/api/v2/activedirectories/{id}/agents/{agent.Id}",
            agent.ToDto() with { ConnectKey = key, ConnectKeyExpiresAt = agent.KeyExpiresAt });
    }

    private static async Task<IResult> ListAssociations(string id, string[]? targets, HttpRequest request, ControlPlaneDb db, CancellationToken ct)
    {
        var (query, error) = ListQuery.Parse<GraphConnectionDto>(request);
        if (query is null)
        {
            return error!;
        }

        if (!await db.Domains.AnyAsync(d => d.Id == id, ct))
        {
            return JcErrors.NotFound("Active Directory instance");
        }

        var types = V2Lists.Targets(targets);
        if (types.Find(t => t is not (AssociationTypes.User or AssociationTypes.UserGroup)) is { } wrong)
        {
            return JcErrors.BadRequest($"targets: '{wrong}' is not one of user, user_group", "invalidTargets");
        }

        var all = types.Count == 0;
        var list = await db.Associations.Where(a => a.DomainId == id && (all || types.Contains(a.TargetType)))
            .OrderBy(a => a.TargetId).ToListAsync(ct);
        return query.Apply(list.Select(a => new GraphConnectionDto(new GraphObjectDto(a.TargetId, a.TargetType)))).ToV2(request);
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

        var memberIds = members.ConvertAll(m => m.Id);
        var before = await sync.DomainsOfUsersAsync(memberIds, ct);
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
                // Binding the group adds exactly this domain to what each of its members reaches.
                await sync.UserChangedAsync(member, before[member.Id], new HashSet<string>(before[member.Id]) { domain.Id }, ct);
            }

            await log.AppendAsync(domain.Id, ChangeFactory.MembershipSet(group, await sync.MemberUsernamesAsync(groupId, ct)), ct);
        }
        else if (existing is not null)
        {
            db.Associations.Remove(existing);
            await log.SaveAsync(ct);
            await log.AppendAsync(domain.Id, ChangeFactory.GroupDisconnect(group), ct);
            var after = await sync.DomainsOfUsersAsync(memberIds, ct);
            foreach (var member in members)
            {
                await sync.UserChangedAsync(member, before[member.Id], after[member.Id], ct);
            }
        }

        await log.CommitAsync(ct);
        return TypedResults.NoContent();
    }
}
