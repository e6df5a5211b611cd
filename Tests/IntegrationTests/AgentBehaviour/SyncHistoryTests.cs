using System.Net;
using System.Text.Json.Nodes;
using JumpCloudAdi.IntegrationTests.Infrastructure;
using JumpCloudAdi.IntegrationTests.Portal;
using static JumpCloudAdi.IntegrationTests.AgentBehaviour.Changes;

namespace JumpCloudAdi.IntegrationTests.AgentBehaviour;

/// <summary>
/// "Why is this user not right in AD?" answered from the control plane: a password the Samba AD DC refuses shows,
/// with the DC's own text, in the history API and in the user page's "why" panel and timeline.
/// </summary>
[Collection(SambaCollection.Name)]
public sealed class SyncHistoryTests(SambaDc samba)
{
    private const string People = "OU=People,DC=example,DC=com";
    private const string AdminUser = "history-admin";
    private const string AdminPassword = "History-Test-Passw0rd!";

    [Fact]
    public async Task A_password_the_DC_refuses_shows_with_its_text_in_the_history_API_and_the_why_panel()
    {
        // The control plane's own policy is relaxed so that the DC's complexity rule is the one that refuses.
        await using var h = await AgentHarness.StartAsync(samba, controlPlaneSettings: new Dictionary<string, string>
        {
            ["PasswordPolicy:RequiredCharacterClasses"] = "1",
            ["Admin:Username"] = AdminUser,
            ["Admin:Password"] = AdminPassword,
        });
        var sam = Unique("why");
        var group = Unique("whygroup");
        var userId = await h.ControlPlane.CreateUserAsync(sam, "Why", "Person");
        var groupId = await h.ControlPlane.Client.CreateGroupAsync(group);
        await h.ControlPlane.Client.AddMemberAsync(groupId, userId);
        await h.ControlPlane.Client.BindGroupAsync(h.DomainId, groupId);
        await Processes.WaitUntilAsync(async () => (await samba.SearchAsync(People, $"(sAMAccountName={sam})", "cn")).Count == 1,
            TimeSpan.FromSeconds(60), $"{sam} created (log: {h.Agent.Log})");

        await h.ControlPlane.MustAsync(HttpMethod.Post, $"/api/systemusers/{userId}/password", new { password = "onlylowercaseletters" }, 200);
        var path = $"/api/v2/activedirectories/{h.DomainId}/history?object={userId}";
        JsonArray history = [];
        await Processes.WaitUntilAsync(async () =>
        {
            history = (await h.ControlPlane.MustAsync(HttpMethod.Get, path, null, 200)).AsArray();
            return history.Count > 0 && history[0]!["result"]!.GetValue<string>() == "failed";
        }, TimeSpan.FromSeconds(60), $"the DC's refusal in the history (log: {h.Agent.Log})");

        var refusal = history[0]!;
        Assert.Equal(19, refusal["code"]!.GetValue<int>());
        Assert.Contains("complexity", refusal["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("PasswordSet", refusal["kind"]!.GetValue<string>());
        Assert.Equal(h.AgentId, refusal["agentId"]!.GetValue<string>());
        Assert.True(refusal["time"]!.GetValue<DateTimeOffset>() > DateTimeOffset.UtcNow.AddMinutes(-5));
        // The user's creation came first, applied; newest first.
        var created = history.Last()!;
        Assert.Equal(("applied", "UserUpsert"), (created["result"]!.GetValue<string>(), created["kind"]!.GetValue<string>()));
        Assert.True(created["seq"]!.GetValue<long>() < refusal["seq"]!.GetValue<long>());

        using (var response = await h.ControlPlane.Api.GetAsync(path + "&limit=1"))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(history.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), response.Headers.GetValues("X-Total-Count").Single());
            var page = JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsArray();
            Assert.Equal(refusal["seq"]!.GetValue<long>(), Assert.Single(page)!["seq"]!.GetValue<long>());
        }

        // The "why" panel: bound through the group, the password change acknowledged, the DC's text, what to do next.
        var cookies = await PortalForms.SignInAsync(h.ControlPlane, AdminUser, AdminPassword);
        using var portal = PortalForms.Client(h.ControlPlane, cookies);
        var html = WebUtility.HtmlDecode(await portal.GetStringAsync($"/users/{userId}"));
        var start = html.IndexOf($"data-why-domain=\"{h.DomainId}\"", StringComparison.Ordinal);
        Assert.True(start >= 0, "the why panel has a card for the domain");
        var card = html[start..html.IndexOf("</article>", start, StringComparison.Ordinal)];
        Assert.Contains($"through {group}", card, StringComparison.Ordinal);
        Assert.Contains($"#{refusal["seq"]} password set", card, StringComparison.Ordinal);
        Assert.Contains("Acknowledged", card, StringComparison.Ordinal);
        Assert.Contains("code 19", card, StringComparison.Ordinal);
        Assert.Contains(refusal["message"]!.GetValue<string>(), card, StringComparison.Ordinal);
        Assert.Contains("The DC refused the password: set one that meets the domain's password policy", card, StringComparison.Ordinal);
        var timeline = html[html.IndexOf("id=\"sync-timeline\"", StringComparison.Ordinal)..];
        Assert.Contains($"data-seq=\"{refusal["seq"]}\" data-outcome=\"failed\"", timeline, StringComparison.Ordinal);

        // The group's page has its own timeline: its creation and membership, applied.
        var groupHistory = (await h.ControlPlane.MustAsync(HttpMethod.Get, $"/api/v2/activedirectories/{h.DomainId}/history?object={groupId}", null, 200)).AsArray();
        Assert.Contains(groupHistory, e => e!["kind"]!.GetValue<string>() == "MembershipSet" && e["result"]!.GetValue<string>() == "applied");
        var groupHtml = WebUtility.HtmlDecode(await portal.GetStringAsync($"/groups/{groupId}"));
        var groupTimeline = groupHtml[groupHtml.IndexOf("id=\"sync-timeline\"", StringComparison.Ordinal)..];
        Assert.Contains("membership update", groupTimeline, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_history_API_refuses_a_missing_or_malformed_object_in_JumpClouds_error_shape_and_needs_the_api_key()
    {
        using var temp = new TempDirectory();
        await using var host = await ControlPlaneHost.StartAsync(temp.Sub("cp"));
        var domainId = await host.CreateDomainAsync();
        foreach (var query in new[] { "", "?object=", "?object=not-an-id", $"?object={NewId().ToUpperInvariant()}", $"?object={NewId()}&object={NewId()}" })
        {
            var error = await host.MustAsync(HttpMethod.Get, $"/api/v2/activedirectories/{domainId}/history{query}", null, 400);
            Assert.Equal(400, error["code"]!.GetValue<int>());
            Assert.StartsWith("object:", error["message"]!.GetValue<string>(), StringComparison.Ordinal);
        }

        var limit = await host.MustAsync(HttpMethod.Get, $"/api/v2/activedirectories/{domainId}/history?object={NewId()}&limit=51", null, 400);
        Assert.Equal(400, limit["code"]!.GetValue<int>());
        Assert.Empty((await host.MustAsync(HttpMethod.Get, $"/api/v2/activedirectories/{domainId}/history?object={NewId()}", null, 200)).AsArray());
        await host.MustAsync(HttpMethod.Get, $"/api/v2/activedirectories/{NewId()}/history?object={NewId()}", null, 404);
        using var anonymous = host.CreateClient(null);
        using var response = await anonymous.GetAsync($"/api/v2/activedirectories/{domainId}/history?object={NewId()}");
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }
}
