using JumpCloudAdi.ControlPlane.Data;

namespace JumpCloudAdi.ControlPlane.Commands.Groups;

/// <summary>A member added to or removed from a group; <paramref name="Changed"/> is false when it already was (or was not) one.</summary>
public sealed record MembershipChange(UserGroup Group, SystemUser User, bool Changed);

/// <summary>Several members added to or removed from a group at once: how many changed, and each user refused with why.</summary>
public sealed record MembersChange(UserGroup Group, int Changed, IReadOnlyList<MemberRefusal> Refused);

/// <summary>A user a many-member operation did not add (or remove), and the error a single operation would have returned.</summary>
public sealed record MemberRefusal(string UserId, CommandError Error);
