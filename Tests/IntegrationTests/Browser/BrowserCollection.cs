namespace JumpCloudAdi.IntegrationTests.Browser;

/// <summary>
/// All browser tests share one Chromium, one control plane and one slapd, and never run in parallel: two Chromiums on
/// two cores slow each other badly.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class BrowserCollection : ICollectionFixture<PortalFixture>
{
    public const string Name = "Browser";
}
