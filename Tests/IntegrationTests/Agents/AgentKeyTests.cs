using System.Security.Cryptography;
using Google.Protobuf;
using Grpc.Core;
using JumpCloudAdi.ControlPlane.Data;
using JumpCloudAdi.IntegrationTests.Api;
using JumpCloudAdi.IntegrationTests.Infrastructure;
using JumpCloudAdi.Protocol;
using JumpCloudAdi.Shared.Crypto;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace JumpCloudAdi.IntegrationTests.Agents;

/// <summary>
/// Agents' sealing keys over the real gateway: only P-256 (by the curve's OID) is enrolled, and one unusable key
/// recorded for an agent never fails a password change for the domain.
/// </summary>
public sealed class AgentKeyTests(ApiHost host) : IClassFixture<ApiHost>
{
    private ControlPlaneHost Cp => host.ControlPlane;

    [Fact]
    public async Task A_brainpoolP256r1_key_is_refused_at_enrolment_with_a_clear_reason_and_the_connect_key_stays_usable()
    {
        var domainId = await Cp.CreateDomainAsync($"DC={ApiAssert.Unique("curve")};DC=example;DC=com");
        var (agentId, key) = await Cp.CreateConnectKeyAsync(domainId);
        using var gateway = new GatewayClient(Cp);
        using var brainpool = ECDiffieHellman.Create(ECCurve.NamedCurves.brainpoolP256r1);
        var refused = await Assert.ThrowsAsync<RpcException>(() => gateway.EnrollAsync(new EnrollRequest
        {
            ConnectKey = key,
            Hostname = "brainpool-host",
            PublicKey = ByteString.CopyFrom(brainpool.ExportSubjectPublicKeyInfo()),
        }));
        Assert.Equal(StatusCode.InvalidArgument, refused.StatusCode);
        Assert.Contains("P-256", refused.Status.Detail, StringComparison.Ordinal);
        Assert.Contains("1.3.36.3.3.2.8.1.1.7", refused.Status.Detail, StringComparison.Ordinal);

        var agent = await Cp.MustAsync(HttpMethod.Get, $"/api/v2/activedirectories/{domainId}/agents/{agentId}", null, 200);
        Assert.Equal("unsealed", agent["state"]!.GetValue<string>());
        var enrolled = await gateway.EnrollAsync(new EnrollRequest
        {
            ConnectKey = key,
            Hostname = "p256-host",
            PublicKey = ByteString.CopyFrom(SecretSealing.CreateKeyPair().PublicKey),
        });
        Assert.Equal(agentId, enrolled.AgentId);
    }

    [Fact]
    public async Task Agents_with_unusable_keys_do_not_fail_a_password_set_which_waits_in_the_vault_unsealed()
    {
        var domainId = await Cp.CreateDomainAsync($"DC={ApiAssert.Unique("recip")};DC=example;DC=com");
        using var gateway = new GatewayClient(Cp);
        var good = new List<string>();
        for (var i = 0; i < 2; i++)
        {
            var (_, key) = await Cp.CreateConnectKeyAsync(domainId);
            good.Add((await RawAgent.EnrollAsync(gateway, key, $"good-{i}")).Id);
        }

        // A key enrolled before keys were checked by curve (or damaged since): brainpoolP256r1, then garbage.
        var (badId, badKey) = await Cp.CreateConnectKeyAsync(domainId);
        await RawAgent.EnrollAsync(gateway, badKey, "bad-key");
        var (garbageId, garbageKey) = await Cp.CreateConnectKeyAsync(domainId);
        await RawAgent.EnrollAsync(gateway, garbageKey, "garbage-key");
        using var brainpool = ECDiffieHellman.Create(ECCurve.NamedCurves.brainpoolP256r1);
        await using (var db = await DbAsync())
        {
            await db.Agents.Where(a => a.Id == badId).ExecuteUpdateAsync(s => s.SetProperty(a => a.PublicKey, brainpool.ExportSubjectPublicKeyInfo()));
            await db.Agents.Where(a => a.Id == garbageId).ExecuteUpdateAsync(s => s.SetProperty(a => a.PublicKey, new byte[] { 1, 2, 3 }));
        }

        var user = await Cp.CreateUserAsync(ApiAssert.Unique("recip.user"), "Rec", "Ipient");
        await Cp.BindUserAsync(domainId, user);
        await Cp.Client.SetPasswordAsync(user, "Sealed-To-Good-7q");

        // The request succeeded despite the unusable keys: passwords are sealed at send time to the agent that receives
        // the batch (SendTimeSealing skips an agent whose key is unusable), so the stored entry names no recipient and
        // holds no secret, and the password waits in the vault.
        await using (var db = await DbAsync())
        {
            var entry = await db.Changes.SingleAsync(c => c.DomainId == domainId && c.Kind == "PasswordSet");
            var change = new JsonParser(JsonParser.Settings.Default).Parse<Change>(entry.Payload);
            Assert.Null(change.PasswordSet.Password);
            Assert.True(await db.PasswordVault.AnyAsync(v => v.UserId == user));
        }
    }

    private Task<ControlPlaneDb> DbAsync() =>
        Cp.Services.GetRequiredService<IDbContextFactory<ControlPlaneDb>>().CreateDbContextAsync();
}
