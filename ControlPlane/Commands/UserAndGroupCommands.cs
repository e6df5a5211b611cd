using JumpCloudAdi.ControlPlane.Commands.Groups;
using JumpCloudAdi.ControlPlane.Commands.Users;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace JumpCloudAdi.ControlPlane.Commands;

/// <summary>Registers the user and user-group commands (scoped: each shares its request's database and change log).</summary>
public static class UserAndGroupCommands
{
    public static IServiceCollection AddUserAndGroupCommands(this IServiceCollection services)
    {
        services.TryAddScoped<CreateUserCommand>();
        services.TryAddScoped<UpdateUserCommand>();
        services.TryAddScoped<DeleteUserCommand>();
        services.TryAddScoped<SetUserPasswordCommand>();
        services.TryAddScoped<SuspendUserCommand>();
        services.TryAddScoped<ActivateUserCommand>();
        services.TryAddScoped<UnlockUserCommand>();
        services.TryAddScoped<CreateUserGroupCommand>();
        services.TryAddScoped<UpdateUserGroupCommand>();
        services.TryAddScoped<DeleteUserGroupCommand>();
        services.TryAddScoped<AddGroupMemberCommand>();
        services.TryAddScoped<RemoveGroupMemberCommand>();
        return services;
    }
}
