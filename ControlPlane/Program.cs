using JumpCloudAdi.ControlPlane.Hosting;

var app = ControlPlaneApp.Build(args);
await app.RunAsync();

/// <summary>Entry point, visible to tests.</summary>
public partial class Program;
