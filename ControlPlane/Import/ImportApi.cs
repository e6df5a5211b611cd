using System.Text.Json;
using JumpCloudAdi.ControlPlane.Api;
using JumpCloudAdi.ControlPlane.Data;
using Microsoft.EntityFrameworkCore;

namespace JumpCloudAdi.ControlPlane.Import;

/// <summary>
/// Extension to JumpCloud's API: <c>GET /api/v2/activedirectories/{id}/imports</c>, the summary of each run of the
/// domain's IMPORT agents (created, updated, taken over, unchanged, dissociated, skipped with the reason), newest first.
/// </summary>
public static class ImportApi
{
    private static readonly JsonSerializerOptions _json = new(JsonSerializerDefaults.Web);

    public static RouteGroupBuilder MapImportApi(this RouteGroupBuilder activeDirectories)
    {
        activeDirectories.MapGet("/{id}/imports", ListImports).WithName("activedirectories_imports")
            .WithSummary("Extension: the domain's import runs (IMPORT agents reading users and groups from AD), newest first")
            .Produces<List<ImportRunDto>>().Produces<JcError>(400).Produces<JcError>(404);
        return activeDirectories;
    }

    private static async Task<IResult> ListImports(string id, HttpRequest request, ControlPlaneDb db, CancellationToken ct)
    {
        if (!await db.Domains.AnyAsync(d => d.Id == id, ct))
        {
            return JcErrors.NotFound("Active Directory instance");
        }

        var (query, error) = ListQuery.Parse<ImportRunDto>(request);
        if (query is null)
        {
            return error!;
        }

        var runs = await db.ImportRuns.AsNoTracking().Where(r => r.DomainId == id).OrderByDescending(r => r.Id).ToListAsync(ct);
        return query.Apply(runs.Select(ToDto)).ToV2(request);
    }

    public static ImportRunDto ToDto(ImportRun run) => new(
        run.Id, run.AgentId, run.At, run.Full, run.Once, run.Created, run.Updated, run.TakenOver, run.Unchanged, run.Dissociated,
        run.GroupsCreated, run.GroupsUpdated, run.GroupsRemoved,
        JsonSerializer.Deserialize<List<ImportSkipDto>>(run.SkippedJson, _json) ?? []);

    internal static string SkippedToJson(IEnumerable<ImportSkipDto> skipped) => JsonSerializer.Serialize(skipped, _json);
}

/// <summary>One import run as <c>GET .../imports</c> lists it.</summary>
public sealed record ImportRunDto(long Id, string AgentId, DateTimeOffset At, bool Full, bool Once, int Created, int Updated, int TakenOver,
    int Unchanged, int Dissociated, int GroupsCreated, int GroupsUpdated, int GroupsRemoved, IReadOnlyList<ImportSkipDto> Skipped);

/// <summary>A directory user that was not imported, and why.</summary>
public sealed record ImportSkipDto(string Dn, string Username, string Reason);
