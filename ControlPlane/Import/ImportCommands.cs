using JumpCloudAdi.ControlPlane.Commands.Groups;
using JumpCloudAdi.ControlPlane.Commands.Users;

namespace JumpCloudAdi.ControlPlane.Import;

/// <summary>
/// The user, group and membership commands an import run calls (scoped: they share the run's database context and
/// change log, so each joins the run's transaction).
/// </summary>
public sealed record ImportCommands(
    CreateUserCommand CreateUser, UpdateUserCommand UpdateUser, DeleteUserCommand DeleteUser,
    CreateUserGroupCommand CreateGroup, UpdateUserGroupCommand UpdateGroup, DeleteUserGroupCommand DeleteGroup,
    AddGroupMemberCommand AddMember, RemoveGroupMemberCommand RemoveMember);
