using JumpCloudAdi.ControlPlane.Data;

namespace JumpCloudAdi.ControlPlane.Commands.Groups;

/// <summary>A member added to or removed from a group; <paramref name="Changed"/> is false when it already was (or was not) one.</summary>
public sealed record MembershipChange(UserGroup Group, SystemUser User, bool Changed);
