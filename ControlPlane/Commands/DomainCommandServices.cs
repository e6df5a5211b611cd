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
        services.TryAddScoped<CreateDomainCommand>();
        services.TryAddScoped<UpdateDomainCommand>();
        services.TryAddScoped<DeleteDomainCommand>();
        services.TryAddScoped<ReconcileDomainCommand>();
        services.TryAddScoped<CreateAgentCommand>();
        services.TryAddScoped<DeleteAgentCommand>();
        services.TryAddScoped<BindUserCommand>();
        services.TryAddScoped<UnbindUserCommand>();
        services.TryAddScoped<BindGroupCommand>();
        services.TryAddScoped<UnbindGroupCommand>();
        return services;
    }
}
