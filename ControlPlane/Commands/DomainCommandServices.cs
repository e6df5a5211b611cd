using JumpCloudAdi.ControlPlane.Commands.Agents;
using JumpCloudAdi.ControlPlane.Commands.Bindings;
using JumpCloudAdi.ControlPlane.Commands.Domains;
using JumpCloudAdi.ControlPlane.Sync;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace JumpCloudAdi.ControlPlane.Commands;

/// <summary>Registers the domain, agent and binding commands and the reach query they share (all per request scope).</summary>
public static class DomainCommandServices
{
    public static IServiceCollection AddDomainCommands(this IServiceCollection services)
    {
        services.TryAddScoped<DirectoryReach>();
        services.TryAddScoped<DryRunner>();
        services.TryAddScoped<CreateDomain>();
        services.TryAddScoped<UpdateDomain>();
        services.TryAddScoped<DeleteDomain>();
        services.TryAddScoped<ReconcileDomain>();
        services.TryAddScoped<CreateAgent>();
        services.TryAddScoped<DeleteAgent>();
        services.TryAddScoped<BindUser>();
        services.TryAddScoped<UnbindUser>();
        services.TryAddScoped<BindGroup>();
        services.TryAddScoped<UnbindGroup>();
        return services;
    }
}
