using System.DirectoryServices.Protocols;
using JumpCloudAdi.Agent.Configuration;
using JumpCloudAdi.Agent.Sync;
using JumpCloudAdi.Protocol;

namespace JumpCloudAdi.Agent.Directory;

/// <summary>
/// Writes users: create or update (found by anchor, else username), disconnect (remove, disable or retain), set the
/// password. Only inside the root user container; accounts with adminCount=1 or owned by another object are refused.
/// </summary>
internal sealed class UserWriter(DirectorySearch ldap, DirectoryDialect dialect, DirectoryScope scope, AgentSettings settings,
    UserFinder users, GroupGraph groups, Ownership ownership, bool encrypted, PasswordOpener? passwords, FirstPasswords firstPasswords)
{
    /// <summary>What a user upsert reports for an account that is disabled until a password is set.</summary>
    public const string PasswordPendingNote = "password pending: set a new password in JumpCloud";

    /// <summary>What a reconcile's password set reports for an account that already has a password (left as it is).</summary>
    public const string PasswordKeptNote = "password kept: the account has one";

    public ApplyResult Upsert(UserUpsert user)
    {
        if (string.IsNullOrWhiteSpace(user.Username))
        {
            return ApplyResult.Failed((int)ResultCode.ConstraintViolation, "the user has no username");
        }

        var existing = users.Find(user.Anchor, user.Username);
        if (existing is not null)
        {
            return ownership.Refusal(existing, user.UserId) ?? dialect.UpdateUser(user, existing);
        }

        try
        {
            return CreateWithPassword(user) ?? dialect.CreateUser(user);
        }
        catch (DirectoryOperationException ex) when (ex.Response?.ResultCode == ResultCode.EntryAlreadyExists)
        {
            // Created since it was looked up (by someone else, or the look-ahead is older): take that account over.
            users.Forget(user.Username, user.Anchor);
            existing = users.Find(user.Anchor, user.Username);
            if (existing is null)
            {
                throw;
            }

            return ownership.Refusal(existing, user.UserId) ?? dialect.UpdateUser(user, existing);
        }
    }

    /// <summary>
    /// The user created with the password of the set that follows it in the batch, in one add, when the directory
    /// takes it there and the password can be opened; null otherwise (created without; the set then writes it alone).
    /// </summary>
    private ApplyResult? CreateWithPassword(UserUpsert user)
    {
        if (!encrypted || passwords is null || firstPasswords.After(user) is not { } set
            || (set.VaultVersion > 0 && (set.Password is null || set.Password.Ciphertext.IsEmpty))
            || !passwords.TryOpen(set.Password, out var password, out _))
        {
            return null;
        }

        var created = dialect.CreateUserWithPassword(user, password, set.Suspended);
        if (created is { Outcome: Outcome.Applied } applied)
        {
            firstPasswords.Wrote(set, applied.Anchor);
        }

        return created;
    }

    public ApplyResult Disconnect(UserDisconnect user)
    {
        var existing = users.Find("", user.Username);
        if (existing is null)
        {
            return ApplyResult.Applied(note: $"no account '{user.Username}' in {scope.RootDn}; nothing to do");
        }

        if (ownership.Refusal(existing, user.UserId) is { } refused)
        {
            return refused;
        }

        var dn = existing.DistinguishedName;
        if (settings.MembershipDisconnectionAction == DisconnectionAction.Remove || settings.UserDisconnectionAction == UserDisconnectionAction.Remove)
        {
            // Leave every group of ours before going (groupOfNames must never be left without a member).
            foreach (var group in groups.ManagedGroupsOf(dn))
            {
                dialect.RemoveMembers(group.DistinguishedName, [dn]);
            }
        }

        switch (settings.UserDisconnectionAction)
        {
            case UserDisconnectionAction.Remove:
                ldap.Send(new DeleteRequest(dn));
                return ApplyResult.Applied();
            case UserDisconnectionAction.Disable:
                dialect.DisableAccount(existing);
                return ApplyResult.Applied(dialect.AnchorOf(existing, dn));
            default:
                return ApplyResult.Applied(dialect.AnchorOf(existing, dn));
        }
    }

    public ApplyResult SetPassword(PasswordSet change)
    {
        if (firstPasswords.Written(change, out var written))
        {
            // Written by the add that created the user, just before (see CreateWithPassword).
            return ApplyResult.Applied(written);
        }

        if (!encrypted)
        {
            return ApplyResult.Failed((int)ResultCode.ConfidentialityRequired,
                "passwords are only written over an encrypted connection, and this agent fell back to plain LDAP");
        }

        var existing = users.Find("", change.Username);
        if (existing is null)
        {
            return ApplyResult.Failed((int)ResultCode.NoSuchObject, $"no account '{change.Username}' in {scope.RootDn} to set the password of");
        }

        if (ownership.Refusal(existing, change.UserId) is { } refused)
        {
            return refused;
        }

        if (change.OnlyIfUnset && dialect.HasPassword(existing))
        {
            return ApplyResult.Applied(dialect.AnchorOf(existing, existing.DistinguishedName), PasswordKeptNote);
        }

        if (passwords is null)
        {
            return ApplyResult.Skipped("this agent cannot open sealed passwords");
        }

        if (change.VaultVersion > 0 && (change.Password is null || change.Password.Ciphertext.IsEmpty))
        {
            return ApplyResult.Skipped("the user's password is no longer in the control plane's vault (user deleted, or seal-only mode); nothing to write");
        }

        if (!passwords.TryOpen(change.Password, out var password, out var why))
        {
            // Erased after an earlier acknowledgement: a replay with nothing left to write. Otherwise it was never set.
            return change.Password is null || change.Password.Ciphertext.IsEmpty
                ? ApplyResult.Skipped(why)
                : ApplyResult.Failed((int)ResultCode.Other, why);
        }

        // The entry carries the user's state, so any agent (a new primary too) knows whether to enable.
        dialect.WritePassword(existing, password, change.Suspended);
        return ApplyResult.Applied(dialect.AnchorOf(existing, existing.DistinguishedName));
    }
}
