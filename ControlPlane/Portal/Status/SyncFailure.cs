namespace JumpCloudAdi.ControlPlane.Portal.Status;

/// <summary>The last failure an agent reported, kept while its latest results are all failures.</summary>
public sealed record SyncFailure(int Code, string Message, DateTimeOffset At);
