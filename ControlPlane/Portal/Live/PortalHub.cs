using JumpCloudAdi.ControlPlane.Portal.Security;
using JumpCloudAdi.ControlPlane.Portal.Status;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;

namespace JumpCloudAdi.ControlPlane.Portal.Live;

/// <summary>
/// Live updates for signed-in administrators. A page watches one domain (or all of them) and gets the current state
/// back, so it can catch up after every (re)connect; changes are pushed by <see cref="PortalLiveUpdates"/>.
/// </summary>
[Authorize(AuthenticationSchemes = PortalAuthentication.Scheme)]
public sealed class PortalHub(PortalReader reader) : Hub<IPortalClient>
{
    public const string Path = "/portal/hub";
    public const string AllDomainsGroup = "domains";

    public static string DomainGroup(string domainId) => "domain:" + domainId;

    public async Task<DomainSnapshot?> WatchDomain(string domainId)
    {
        var snapshot = await reader.SnapshotAsync(domainId, Context.ConnectionAborted);
        if (snapshot is not null)
        {
            await Groups.AddToGroupAsync(Context.ConnectionId, DomainGroup(domainId), Context.ConnectionAborted);
        }

        return snapshot;
    }

    public async Task<IReadOnlyList<AgentView>> WatchAllDomains()
    {
        await Groups.AddToGroupAsync(Context.ConnectionId, AllDomainsGroup, Context.ConnectionAborted);
        return await reader.AgentsAsync(null, Context.ConnectionAborted);
    }
}
