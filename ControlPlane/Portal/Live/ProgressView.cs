namespace JumpCloudAdi.ControlPlane.Portal.Live;

/// <summary>
/// A domain's sync run (a reconcile, an initial sync of a large association, any backlog): how many of its change-log
/// entries the primary agent has applied (acknowledged), the rate over the last seconds and the time left at that rate.
/// </summary>
public sealed record ProgressView(string DomainId, bool Running, long Done, long Total, double PerSecond, double? SecondsLeft, string Text);
