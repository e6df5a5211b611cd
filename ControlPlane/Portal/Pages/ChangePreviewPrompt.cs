using JumpCloudAdi.ControlPlane.Sync;

namespace JumpCloudAdi.ControlPlane.Portal.Pages;

/// <summary>
/// A confirmation step before a destructive action (<c>Shared/_ChangePreview.cshtml</c>): the question, what the
/// action would send to each domain (a <see cref="DryRunner"/> preview), and the form that does it for real: a POST to
/// <see cref="Handler"/> of the current page with <see cref="Route"/> and hidden <see cref="Fields"/>.
/// </summary>
/// <param name="Title">The question as a heading, e.g. <c>Delete the domain DC=example;DC=com?</c></param>
/// <param name="Detail">What else happens that the preview does not show (sessions ended, rows removed).</param>
/// <param name="Preview">What the action would append to each domain's change log.</param>
/// <param name="Handler">The page handler that does it for real.</param>
/// <param name="Route">Route values of that form (e.g. <c>id</c>).</param>
/// <param name="Fields">Hidden form fields of that form (e.g. <c>type</c>, <c>targetId</c>).</param>
/// <param name="ConfirmLabel">The confirm button's text.</param>
/// <param name="CancelUrl">Where Cancel goes (nothing was done).</param>
public sealed record ChangePreviewPrompt(
    string Title,
    string Detail,
    ChangePreview Preview,
    string Handler,
    IDictionary<string, string> Route,
    IReadOnlyDictionary<string, string> Fields,
    string ConfirmLabel,
    string CancelUrl)
{
    /// <summary>The step before taking a user out of a group, the same from the group's page and the user's.</summary>
    public static ChangePreviewPrompt RemoveMember(Commands.Groups.MembershipChange change, ChangePreview preview, string handler,
        IDictionary<string, string> route, IReadOnlyDictionary<string, string> fields, string cancelUrl)
    {
        ArgumentNullException.ThrowIfNull(change);
        return new($"Remove {change.User.Username} from {change.Group.Name}?",
            "Each domain the group is bound to drops the membership, and disconnects the account unless another binding keeps it there.",
            preview, handler, route, fields, "Remove member", cancelUrl);
    }
}
