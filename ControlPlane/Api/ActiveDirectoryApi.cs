using JumpCloudAdi.ControlPlane.Commands.Bindings;
using JumpCloudAdi.ControlPlane.Commands.Domains;
using JumpCloudAdi.ControlPlane.Data;
using JumpCloudAdi.ControlPlane.Sync;
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
            .WithSummary("Extension: queue the domain's whole desired state so the primary agent repairs any drift; ?passwords=true also re-sends every user's password (a rebuilt DC)")
            .Produces<ReconcileDto>(202).Produces<JcError>(400).Produces<JcError>(404);
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

    private static async Task<IResult> PatchDomain(string id, ActiveDirectoryInput? input, UpdateDomainCommand update, TimeProvider time, CancellationToken ct) =>
        (await update.ExecuteAsync(id, input?.Domain, input?.UseCase, ct)).ToHttp(d => TypedResults.Ok(d.ToDto(time.GetUtcNow())));

    private static async Task<IResult> DeleteDomain(string id, Commands.Domains.DeleteDomainCommand delete, TimeProvider time, CancellationToken ct) =>
        (await delete.ExecuteAsync(id, ct)).ToHttp(d => TypedResults.Ok(d.ToDto(time.GetUtcNow())));

    private static async Task<IResult> GetAgent(string id, string agentId, ControlPlaneDb db, Telemetry.AgentCounters counters, CancellationToken ct)
    {
        var agent = await db.Agents.AsNoTracking().SingleOrDefaultAsync(a => a.Id == agentId && a.DomainId == id, ct);
        return agent is null ? JcErrors.NotFound("agent") : TypedResults.Ok(agent.ToDto(counters));
    }

    private static async Task<IResult> DeleteAgent(string id, string agentId, Commands.Agents.DeleteAgentCommand delete, CancellationToken ct) =>
        (await delete.ExecuteAsync(id, agentId, ct)).ToHttp(_ => TypedResults.NoContent());

    private static async Task<IResult> TraverseUsers(string id, HttpRequest request, ControlPlaneDb db, DirectoryReach reach, CancellationToken ct)
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

        var paths = (await reach.PathsOfDomainAsync(id, ct)).ToLookup(p => p.UserId);
        var userIds = paths.Select(p => p.Key).ToList();
        var statuses = await db.SyncStatuses.AsNoTracking().Where(s => s.DomainId == id && userIds.Contains(s.ObjectId)).ToDictionaryAsync(s => s.ObjectId, ct);
        var withStatus = !string.Equals(request.Query["syncStatus"], "false", StringComparison.OrdinalIgnoreCase);
        var rows = userIds.Order(StringComparer.Ordinal).Select(userId =>
            new GraphObjectWithPathsDto(userId, AssociationTypes.User, GraphPaths.Of(paths[userId], AssociationTypes.User, userId))
            {
                SyncStatus = withStatus && statuses.TryGetValue(userId, out var s) ? SyncStatusDto.From(s) : null,
            });
        return query.Apply(rows).ToV2(request);
    }

    private static async Task<IResult> Reconcile(string id, HttpRequest request, ReconcileDomainCommand reconcile, CancellationToken ct)
    {
        // ?passwords=true: every user's password is sent again from the vault (a rebuilt DC); absent or false: only
        // accounts without one get it.
        var values = request.Query["passwords"];
        var passwords = false;
        if (values.Count > 1 || (values.Count == 1 && !bool.TryParse(values[0], out passwords)))
        {
            return JcErrors.BadRequest("passwords: must be true or false, once", "invalidPasswords");
        }

        return (await reconcile.ExecuteAsync(id, ct, passwords)).ToHttp(range =>
            TypedResults.Accepted($"/api/v2/activedirectories/{id}/users", new ReconcileDto(range.FromSeq, range.ToSeq, range.Objects)));
    }

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

    private static async Task<IResult> TraverseGroups(string id, HttpRequest request, ControlPlaneDb db, DirectoryReach reach, CancellationToken ct)
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

        var groupIds = await reach.GroupsOfDomainAsync(id, ct);
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

    private static async Task<IResult> CreateDomain(ActiveDirectoryInput? input, Commands.Domains.CreateDomainCommand create, TimeProvider time, CancellationToken ct) =>
        (await create.ExecuteAsync(input?.Domain, input?.UseCase, ct))
            .ToHttp(d => TypedResults.Created($"/api/v2/activedirectories/{d.Id}", d.ToDto(time.GetUtcNow())));

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

    private static async Task<IResult> CreateAgent(string id, AgentInput? input, Commands.Agents.CreateAgentCommand create, CancellationToken ct) =>
        (await create.ExecuteAsync(id, input?.AgentType, ct)).ToHttp(issued => TypedResults.Created($"/api/v2/activedirectories/{id}/agents/{issued.Agent.Id}",
            issued.Agent.ToDto() with { ConnectKey = issued.ConnectKey, ConnectKeyExpiresAt = issued.Agent.KeyExpiresAt }));

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

    private static async Task<IResult> PostAssociation(string id, GraphOperationInput? input, BindUserCommand bindUser, UnbindUserCommand unbindUser, BindGroupCommand bindGroup,
        UnbindGroupCommand unbindGroup, CancellationToken ct)
    {
        if (input?.Op is not ("add" or "remove"))
        {
            return JcErrors.BadRequest("op: must be add or remove", "invalidOp");
        }

        if (input.Type is not (AssociationTypes.User or AssociationTypes.UserGroup))
        {
            return JcErrors.BadRequest("type: must be user or user_group", "invalidType");
        }

        var result = (input.Op, input.Type) switch
        {
            ("add", AssociationTypes.User) => await bindUser.ExecuteAsync(id, input.Id, ct),
            ("remove", AssociationTypes.User) => await unbindUser.ExecuteAsync(id, input.Id, ct),
            ("add", _) => await bindGroup.ExecuteAsync(id, input.Id, ct),
            _ => await unbindGroup.ExecuteAsync(id, input.Id, ct),
        };
        return result.ToHttp(_ => TypedResults.NoContent());
    }
}
