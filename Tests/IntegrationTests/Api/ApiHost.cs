using JumpCloudAdi.IntegrationTests.Infrastructure;

namespace JumpCloudAdi.IntegrationTests.Api;

/// <summary>One real control plane (Kestrel, TLS, SQLite in a temp folder) shared by the tests of one class.</summary>
public sealed class ApiHost : IAsyncLifetime
{
    private readonly TempDirectory _temp = new();

    public ControlPlaneHost ControlPlane { get; private set; } = null!;

    public async Task InitializeAsync() => ControlPlane = await ControlPlaneHost.StartAsync(_temp.Sub("cp"));

    public async Task DisposeAsync()
    {
        await ControlPlane.DisposeAsync();
        _temp.Dispose();
    }
}
