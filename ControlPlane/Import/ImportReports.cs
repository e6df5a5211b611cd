using Grpc.Core;
using JumpCloudAdi.ControlPlane.Data;
using JumpCloudAdi.Protocol;
using Microsoft.EntityFrameworkCore;

namespace JumpCloudAdi.ControlPlane.Import;

/// <summary>The gateway's side of <c>ReportImport</c>: checks the report and the domain's use case, then applies it.</summary>
public static partial class ImportReports
{
    /// <summary>Most users or groups one report may carry (the agent splits nothing: a larger ADI group is refused whole).</summary>
    public const int MaxObjects = 200_000;

    public static async Task<ImportSummary> AcceptAsync(IServiceProvider services, AgentRecord agent, ImportReport report, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(report);
        if (Problem(report) is { } problem)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, problem));
        }

        var db = services.GetRequiredService<ControlPlaneDb>();
        var useCase = await db.Domains.AsNoTracking().Where(d => d.Id == agent.DomainId).Select(d => (UseCase?)d.UseCase).SingleOrDefaultAsync(ct)
            ?? throw new RpcException(new Status(StatusCode.NotFound, "The agent's domain no longer exists."));
        if (!UseCases.AllowsImport(useCase))
        {
            throw new RpcException(new Status(StatusCode.FailedPrecondition,
                $"The domain's configuration is \"{UseCases.Label(useCase)}\" ({useCase.ToWire()}), which does not import from Active Directory; nothing was imported. Update the configuration to import, or uninstall this import agent."));
        }

        var summary = await services.GetRequiredService<ImportProcessor>().ApplyAsync(agent.DomainId, agent.Id, report, ct);
        Log.Imported(services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(ImportReports)), agent.Id, agent.DomainId, report.Full,
            summary.Created, summary.Updated, summary.TakenOver, summary.Dissociated, summary.Skipped.Count);
        return summary;
    }

    internal static string? Problem(ImportReport report)
    {
        if (report.Users.Count > MaxObjects || report.Groups.Count > MaxObjects)
        {
            return $"An import report may carry at most {MaxObjects} users and {MaxObjects} groups.";
        }

        if (report.Options is { } o)
        {
            if (o.UserDissociationAction is not ("" or ImportProcessor.DissociateRemove or ImportProcessor.DissociateUnbind))
            {
                return $"options.user_dissociation_action must be remove or unbind, not '{o.UserDissociationAction}'.";
            }

            if (o.UserTakeoverAction is not ("" or "takeover" or ImportProcessor.TakeoverSkip))
            {
                return $"options.user_takeover_action must be takeover or skip, not '{o.UserTakeoverAction}'.";
            }
        }

        var anchors = new HashSet<string>(StringComparer.Ordinal);
        foreach (var user in report.Users)
        {
            if (user.Anchor.Length is 0 or > 64 || !anchors.Add(user.Anchor))
            {
                return $"Every imported user needs its own anchor of 1 to 64 characters ('{user.Dn}').";
            }
        }

        anchors.Clear();
        foreach (var group in report.Groups)
        {
            if (group.Anchor.Length is 0 or > 64 || !anchors.Add(group.Anchor))
            {
                return $"Every imported group needs its own anchor of 1 to 64 characters ('{group.Dn}').";
            }
        }

        return null;
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 1201, Level = LogLevel.Information,
            Message = "Import agent {AgentId} of domain {DomainId} reported (full pass: {Full}): {Created} created, {Updated} updated, {TakenOver} taken over, {Dissociated} dissociated, {Skipped} skipped")]
        public static partial void Imported(ILogger logger, string agentId, string domainId, bool full, int created, int updated, int takenOver, int dissociated, int skipped);
    }
}
