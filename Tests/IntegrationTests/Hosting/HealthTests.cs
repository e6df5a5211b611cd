using System.Net;
using System.Text.Json.Nodes;
using JumpCloudAdi.ControlPlane.Data;
using JumpCloudAdi.IntegrationTests.Infrastructure;

namespace JumpCloudAdi.IntegrationTests.Hosting;

/// <summary>
/// <c>/healthz</c> and <c>/readyz</c> on a real control plane: anonymous, JSON, and readiness that follows the
/// database: a private PostgreSQL server is stopped and started under a running control plane.
/// </summary>
public sealed class HealthTests
{
    private static async Task<(HttpStatusCode Status, JsonNode Body)> GetAsync(ControlPlaneHost controlPlane, string path)
    {
        using var anonymous = controlPlane.CreateClient(apiKey: null);
        using var response = await anonymous.GetAsync(path);
        return (response.StatusCode, JsonNode.Parse(await response.Content.ReadAsStringAsync())!);
    }

    [Fact]
    public async Task Liveness_and_readiness_answer_without_an_API_key()
    {
        using var temp = new TempDirectory();
        await using var controlPlane = await ControlPlaneHost.StartAsync(temp.Sub("cp"));
        var (live, liveBody) = await GetAsync(controlPlane, "/healthz");
        Assert.Equal(HttpStatusCode.OK, live);
        Assert.Equal("Healthy", liveBody["status"]!.GetValue<string>());

        var (ready, readyBody) = await GetAsync(controlPlane, "/readyz");
        Assert.Equal(HttpStatusCode.OK, ready);
        Assert.Equal("Healthy", readyBody["checks"]!["database"]!["status"]!.GetValue<string>());
        Assert.Contains("schema up to date", readyBody["checks"]!["database"]!["description"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("Healthy", readyBody["checks"]!["key-ring"]!["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task Readiness_fails_while_the_database_is_down_and_recovers_while_liveness_stays_up()
    {
        var postgres = new PostgresServer();
        await postgres.InitializeAsync();
        try
        {
            await ReadinessFollowsTheDatabaseAsync(postgres);
        }
        finally
        {
            await postgres.DisposeAsync();
        }
    }

    private static async Task ReadinessFollowsTheDatabaseAsync(PostgresServer postgres)
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        using var temp = new TempDirectory();
        await using var controlPlane = await ControlPlaneHost.StartAsync(temp.Sub("cp"), new Dictionary<string, string>
        {
            ["Database:Provider"] = "Postgres",
            ["ConnectionStrings:ControlPlane"] = connectionString,
        });
        Assert.Equal(DatabaseProvider.Postgres, controlPlane.Provider);
        Assert.Equal(HttpStatusCode.OK, (await GetAsync(controlPlane, "/readyz")).Status);

        await postgres.PauseAsync();
        var (down, body) = await GetAsync(controlPlane, "/readyz");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, down);
        Assert.Equal("Unhealthy", body["checks"]!["database"]!["status"]!.GetValue<string>());
        var description = body["checks"]!["database"]!["description"]!.GetValue<string>();
        Assert.StartsWith("unreachable: ", description, StringComparison.Ordinal);
        Assert.DoesNotContain("Username", description, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(HttpStatusCode.OK, (await GetAsync(controlPlane, "/healthz")).Status);

        await postgres.ResumeAsync();
        await Processes.WaitUntilAsync(async () => (await GetAsync(controlPlane, "/readyz")).Status == HttpStatusCode.OK,
            TimeSpan.FromSeconds(60), "readiness once the database is back");
    }
}
