using System.Net;
using JumpCloudAdi.ControlPlane.Data;
using JumpCloudAdi.IntegrationTests.Infrastructure;
using JumpCloudAdi.IntegrationTests.Portal;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace JumpCloudAdi.IntegrationTests.Api;

/// <summary>
/// The API and portal twins of <c>reconcile --passwords</c>: <c>POST /api/v2/activedirectories/{id}/reconcile?passwords=true</c>
/// and the domain page's "Reconcile and re-send passwords" button queue every vault password as a reconcile entry that
/// is set whether or not the account has one; requests are coalesced; a bad value is a 400 and appends nothing.
/// </summary>
public sealed class ReconcilePasswordsTests : IAsyncLifetime
{
    private const string Username = "admin";
    private const string AdminPassword = "Portal!Reconcile-Passwords-1";
    private readonly TempDirectory _temp = new();
    private ControlPlaneHost _cp = null!;

    public async Task InitializeAsync() =>
        _cp = await ControlPlaneHost.StartAsync(_temp.Sub("cp"), new Dictionary<string, string> { ["Admin:Username"] = Username, ["Admin:Password"] = AdminPassword });

    public async Task DisposeAsync()
    {
        await _cp.DisposeAsync();
        _temp.Dispose();
    }

    /// <summary>A domain with two users that have vault passwords and one that has none, all bound.</summary>
    private async Task<(string DomainId, List<string> WithPassword)> DomainAsync(string name)
    {
        var domainId = await _cp.CreateDomainAsync($"DC={name};DC=example;DC=com");
        var withPassword = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            var username = ApiAssert.Unique($"rp{i}");
            var id = await _cp.Client.CreateUserAsync(username, "Api", $"Twin{i}", i < 2 ? $"Pw!{Guid.NewGuid():N}"[..18] + "Aa1" : null);
            await _cp.BindUserAsync(domainId, id);
            if (i < 2)
            {
                withPassword.Add(id);
            }
        }

        return (domainId, withPassword);
    }

    private async Task<List<ChangeEntry>> ChangesAsync(string domainId, long from = 0)
    {
        await using var db = await _cp.Services.GetRequiredService<IDbContextFactory<ControlPlaneDb>>().CreateDbContextAsync();
        return await db.Changes.AsNoTracking().Where(c => c.DomainId == domainId && c.Seq >= from).OrderBy(c => c.Seq).ToListAsync();
    }

    private static List<ChangeEntry> Resends(IEnumerable<ChangeEntry> changes) => changes
        .Where(c => c.Kind == "PasswordSet" && c.Payload.Contains("\"reconcile\": true", StringComparison.Ordinal)
                    && !c.Payload.Contains("\"onlyIfUnset\": true", StringComparison.Ordinal)).ToList();

    [Fact]
    public async Task Reconcile_with_passwords_queues_every_vault_password_to_be_set_and_is_coalesced()
    {
        var (domainId, withPassword) = await DomainAsync("resend");
        var before = (await ChangesAsync(domainId)).Count;

        foreach (var bad in new[] { "?passwords=maybe", "?passwords=true&passwords=false", "?passwords=" })
        {
            ApiAssert.Error(400, await _cp.SendAsync(HttpMethod.Post, $"/api/v2/activedirectories/{domainId}/reconcile{bad}"), "invalidPasswords", "passwords:");
        }

        Assert.Equal(before, (await ChangesAsync(domainId)).Count);

        var range = await _cp.MustAsync(HttpMethod.Post, $"/api/v2/activedirectories/{domainId}/reconcile?passwords=true", null, 202);
        var from = range["fromSeq"]!.GetValue<long>();
        var queued = await ChangesAsync(domainId, from);
        Assert.Equal(range["toSeq"]!.GetValue<long>(), queued[^1].Seq);
        var resends = Resends(queued);
        Assert.Equal(2, resends.Count);
        Assert.All(resends, c => Assert.Contains("\"vaultVersion\":", c.Payload, StringComparison.Ordinal));
        Assert.All(resends, c => Assert.DoesNotContain("\"ciphertext\"", c.Payload, StringComparison.Ordinal));
        Assert.Equal(withPassword.Order(StringComparer.Ordinal),
            withPassword.Where(id => resends.Any(c => c.Payload.Contains(id, StringComparison.Ordinal))).Order(StringComparer.Ordinal));

        // Asked again (either way) while pending: nothing more.
        var again = await _cp.MustAsync(HttpMethod.Post, $"/api/v2/activedirectories/{domainId}/reconcile?passwords=true", null, 202);
        var plain = await _cp.MustAsync(HttpMethod.Post, $"/api/v2/activedirectories/{domainId}/reconcile", null, 202);
        Assert.Equal(from, again["fromSeq"]!.GetValue<long>());
        Assert.Equal(from, plain["fromSeq"]!.GetValue<long>());
        Assert.Equal(queued.Count, (await ChangesAsync(domainId, from)).Count);
    }

    [Fact]
    public async Task A_pending_plain_reconcile_gets_only_the_password_resend_appended_and_the_portal_button_asks_for_it()
    {
        var (domainId, _) = await DomainAsync("portal");
        var plain = await _cp.MustAsync(HttpMethod.Post, $"/api/v2/activedirectories/{domainId}/reconcile", null, 202);
        var from = plain["fromSeq"]!.GetValue<long>();
        var pending = await ChangesAsync(domainId, from);
        Assert.Empty(Resends(pending));
        Assert.Equal(2, pending.Count(c => c.Kind == "PasswordSet" && c.Payload.Contains("\"onlyIfUnset\": true", StringComparison.Ordinal)));

        // The portal's button on the domain page.
        var cookies = await PortalForms.SignInAsync(_cp, Username, AdminPassword);
        using var http = PortalForms.Client(_cp, cookies);
        using (var page = await http.GetAsync(new Uri($"/activedirectory/{domainId}", UriKind.Relative)))
        {
            Assert.Contains("Reconcile and re-send passwords", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        var token = await PortalForms.TokenAsync(http, $"/activedirectory/{domainId}");
        using (var posted = await PortalForms.PostAsync(http, $"/activedirectory/{domainId}?handler=ResendPasswords", token, new Dictionary<string, string>()))
        {
            Assert.Equal(HttpStatusCode.Redirect, posted.StatusCode);
            Assert.Equal($"/activedirectory/{domainId}", posted.Headers.Location?.OriginalString);
        }

        var after = await ChangesAsync(domainId, from);
        Assert.Equal(pending.Count + 2, after.Count);
        Assert.Equal(2, Resends(after).Count);
        Assert.All(Resends(after), c => Assert.True(c.Seq > pending[^1].Seq, "the re-send follows the pending snapshot"));

        // Pressed again: coalesced.
        var again = await _cp.MustAsync(HttpMethod.Post, $"/api/v2/activedirectories/{domainId}/reconcile?passwords=true", null, 202);
        Assert.Equal(from, again["fromSeq"]!.GetValue<long>());
        Assert.Equal(after.Count, (await ChangesAsync(domainId, from)).Count);
    }
}
