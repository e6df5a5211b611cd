namespace JumpCloudAdi.IntegrationTests.Infrastructure;

/// <summary>All tests against the one Samba AD DC of the run share it (ports 389/636 are fixed).</summary>
[CollectionDefinition(Name)]
public sealed class SambaCollection : ICollectionFixture<SambaDc>
{
    public const string Name = "Samba AD DC";
}
