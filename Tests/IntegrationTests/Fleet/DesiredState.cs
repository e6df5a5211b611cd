namespace JumpCloudAdi.IntegrationTests.Fleet;

/// <summary>What the test asked the control plane for: the directory must end up equal to exactly this.</summary>
internal sealed class DesiredState
{
    public sealed record User(string Id, string Username, string First, string Last, string Password);

    public Dictionary<string, User> Users { get; } = new(StringComparer.Ordinal);
    public Dictionary<string, (string Id, HashSet<string> Members)> Groups { get; } = new(StringComparer.Ordinal);

    /// <summary>The number of change-log entries the operations so far produce (for the test's own bookkeeping).</summary>
    public int Changes { get; set; }
}
