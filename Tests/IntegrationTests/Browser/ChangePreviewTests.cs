using JumpCloudAdi.ControlPlane.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace JumpCloudAdi.IntegrationTests.Browser;

/// <summary>
/// The confirmation step before a destructive action on a domain's page: it shows what the action would send to the
/// directory (a dry run: nothing is done until confirmed), Cancel leaves everything as it was, and confirming does
/// exactly what was shown.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class ChangePreviewTests(PortalFixture portal)
{
    [Fact]
    public async Task Unbinding_a_group_and_deleting_a_domain_show_what_they_would_do_and_act_only_when_confirmed()
    {
        var cp = portal.ControlPlane;
        var suffix = Guid.NewGuid().ToString("N")[..6];
        var domainId = await cp.CreateDomainAsync($"DC=preview{suffix};DC=example");
        var group = await cp.CreateGroupAsync($"Previewers{suffix}");
        foreach (var name in new[] { "ada", "alan" })
        {
            await cp.AddMemberAsync(group, await cp.CreateUserAsync($"{name}{suffix}", "Pre", "View"));
        }

        await cp.BindGroupAsync(domainId, group);
        var page = await portal.SignedInPageAsync();
        await page.GotoAsync($"/activedirectory/{domainId}?tab=groups");

        // Unbind: the preview names the group and what the domain's agent would be told; nothing is done yet.
        await page.GetByRole(AriaRole.Button, new() { Name = $"Unbind Previewers{suffix}" }).ClickAsync();
        var preview = page.Locator("#change-preview");
        await Expect(preview.GetByRole(AriaRole.Heading, new() { Level = 2 })).ToHaveTextAsync($"Unbind user group Previewers{suffix} from DC=preview{suffix};DC=example?");
        await Expect(preview.Locator(".preview-summary")).ToContainTextAsync($"disconnect group Previewers{suffix}");
        await Expect(preview.Locator(".preview-summary")).ToContainTextAsync("disconnect 2 users");
        await PortalFixture.ScreenshotAsync(page, "30-unbind-group-preview");
        var shownKinds = await preview.Locator(".preview-entries li").EvaluateAllAsync<string[]>("items => items.map(i => i.dataset.kind)");
        Assert.Equal(["GroupDisconnect", "UserDisconnect", "UserDisconnect"], shownKinds);
        Assert.True(await BoundAsync(domainId, group));
        var lastSeq = await LastSeqAsync(domainId);

        // Cancel: back to the tab, still bound, nothing appended.
        await preview.GetByRole(AriaRole.Link, new() { Name = "Cancel" }).ClickAsync();
        await Expect(page.Locator("#change-preview")).ToHaveCountAsync(0);
        await Expect(page.Locator("#bound-groups")).ToContainTextAsync($"Previewers{suffix}");
        Assert.True(await BoundAsync(domainId, group));
        Assert.Equal(lastSeq, await LastSeqAsync(domainId));

        // Confirm: unbound, and the change log got exactly the entries shown.
        await page.GetByRole(AriaRole.Button, new() { Name = $"Unbind Previewers{suffix}" }).ClickAsync();
        await page.Locator("#change-preview").GetByRole(AriaRole.Button, new() { Name = "Unbind", Exact = true }).ClickAsync();
        await Expect(page.Locator(".notice.success")).ToContainTextAsync("Unbound from the domain.");
        await Expect(page.Locator("#change-preview")).ToHaveCountAsync(0);
        Assert.False(await BoundAsync(domainId, group));
        Assert.Equal(shownKinds, await KindsSinceAsync(domainId, lastSeq));

        // Delete the domain: the preview says nothing is sent to the directory; confirming deletes it.
        await page.GotoAsync($"/activedirectory/{domainId}");
        await page.GetByRole(AriaRole.Button, new() { Name = "Delete domain" }).ClickAsync();
        preview = page.Locator("#change-preview");
        await Expect(preview.GetByRole(AriaRole.Heading, new() { Level = 2 })).ToHaveTextAsync($"Delete the domain DC=preview{suffix};DC=example?");
        await Expect(preview.Locator("[data-preview-empty]")).ToHaveTextAsync("No change is sent to any directory.");
        await Expect(preview).ToContainTextAsync("Nothing is deleted from the directory itself.");
        await PortalFixture.ScreenshotAsync(page, "31-delete-domain-preview");
        Assert.True(await DomainExistsAsync(domainId));
        await preview.GetByRole(AriaRole.Button, new() { Name = "Delete domain" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/activedirectory$"));
        await Expect(page.Locator(".notice.success")).ToContainTextAsync($"Domain DC=preview{suffix};DC=example deleted.");
        Assert.False(await DomainExistsAsync(domainId));
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Removing_a_member_deleting_a_user_and_deleting_a_group_show_what_they_would_do_and_act_only_when_confirmed()
    {
        var cp = portal.ControlPlane;
        var suffix = Guid.NewGuid().ToString("N")[..6];
        var domainId = await cp.CreateDomainAsync($"DC=members{suffix};DC=example");
        var group = await cp.CreateGroupAsync($"Members{suffix}");
        var ada = await cp.CreateUserAsync($"ada{suffix}", "Ada", "Member");
        var alan = await cp.CreateUserAsync($"alan{suffix}", "Alan", "Member");
        var grace = await cp.CreateUserAsync($"grace{suffix}", "Grace", "Member");
        await cp.AddMemberAsync(group, ada);
        await cp.AddMemberAsync(group, alan);
        await cp.AddMemberAsync(group, grace);
        await cp.BindGroupAsync(domainId, group);
        var page = await portal.SignedInPageAsync();

        // Remove a member, from the group's page and from the user's: previewed, cancelled (still a member, nothing
        // appended), then confirmed (exactly the entries shown).
        await page.GotoAsync($"/groups/{group}");
        await RemoveMemberAsync(page, $"Remove ada{suffix}", $"Remove ada{suffix} from Members{suffix}?", "Member removed.", group, ada, domainId);
        await page.GotoAsync($"/users/{grace}");
        await RemoveMemberAsync(page, $"Remove from Members{suffix}", $"Remove grace{suffix} from Members{suffix}?", "Removed from the group.", group, grace, domainId);

        // Delete a user: the preview lists its disconnection; confirming deletes it and appends exactly that.
        await page.GotoAsync($"/users/{alan}");
        await page.GetByRole(AriaRole.Button, new() { Name = "Delete", Exact = true }).ClickAsync();
        var preview = page.Locator("#change-preview");
        await Expect(preview.GetByRole(AriaRole.Heading, new() { Level = 2 })).ToHaveTextAsync($"Delete the user alan{suffix}?");
        var shown = await ShownKindsAsync(preview, domainId);
        Assert.Contains("UserDisconnect", shown);
        var lastSeq = await LastSeqAsync(domainId);
        await PortalFixture.ScreenshotAsync(page, "32-delete-user-preview");
        Assert.True(await UserExistsAsync(alan));
        await preview.GetByRole(AriaRole.Button, new() { Name = "Delete user" }).ClickAsync();
        await Expect(page.Locator(".notice.success")).ToContainTextAsync($"User alan{suffix} deleted.");
        Assert.False(await UserExistsAsync(alan));
        Assert.Equal(shown, await KindsSinceAsync(domainId, lastSeq));

        // Delete the group: previewed, then confirmed.
        await page.GotoAsync($"/groups/{group}");
        await page.GetByRole(AriaRole.Button, new() { Name = "Delete", Exact = true }).ClickAsync();
        preview = page.Locator("#change-preview");
        await Expect(preview.GetByRole(AriaRole.Heading, new() { Level = 2 })).ToHaveTextAsync($"Delete the user group Members{suffix}?");
        shown = await ShownKindsAsync(preview, domainId);
        Assert.Contains("GroupDisconnect", shown);
        lastSeq = await LastSeqAsync(domainId);
        await preview.GetByRole(AriaRole.Button, new() { Name = "Delete group" }).ClickAsync();
        await Expect(page.Locator(".notice.success")).ToContainTextAsync($"User group Members{suffix} deleted.");
        Assert.Equal(shown, await KindsSinceAsync(domainId, lastSeq));
        await page.Context.CloseAsync();
    }

    /// <summary>Removes <paramref name="userId"/> from <paramref name="groupId"/> with the page's button: preview, Cancel, then confirm.</summary>
    private async Task RemoveMemberAsync(IPage page, string button, string question, string notice, string groupId, string userId, string domainId)
    {
        await page.GetByRole(AriaRole.Button, new() { Name = button }).ClickAsync();
        var preview = page.Locator("#change-preview");
        await Expect(preview.GetByRole(AriaRole.Heading, new() { Level = 2 })).ToHaveTextAsync(question);
        var shown = await ShownKindsAsync(preview, domainId);
        Assert.Contains("UserDisconnect", shown);
        var lastSeq = await LastSeqAsync(domainId);
        await preview.GetByRole(AriaRole.Link, new() { Name = "Cancel" }).ClickAsync();
        await Expect(page.Locator("#change-preview")).ToHaveCountAsync(0);
        Assert.True(await MemberAsync(groupId, userId));
        Assert.Equal(lastSeq, await LastSeqAsync(domainId));
        await page.GetByRole(AriaRole.Button, new() { Name = button }).ClickAsync();
        await page.Locator("#change-preview").GetByRole(AriaRole.Button, new() { Name = "Remove member" }).ClickAsync();
        await Expect(page.Locator(".notice.success")).ToContainTextAsync(notice);
        Assert.False(await MemberAsync(groupId, userId));
        Assert.Equal(shown, await KindsSinceAsync(domainId, lastSeq));
    }

    /// <summary>The change kinds a preview lists for one domain, in order.</summary>
    private static Task<string[]> ShownKindsAsync(ILocator preview, string domainId) =>
        preview.Locator($"[data-preview-domain='{domainId}'] .preview-entries li").EvaluateAllAsync<string[]>("items => items.map(i => i.dataset.kind)");

    private async Task<bool> MemberAsync(string groupId, string userId)
    {
        await using var db = await DbAsync();
        return await db.GroupMembers.AnyAsync(m => m.GroupId == groupId && m.UserId == userId);
    }

    private async Task<bool> UserExistsAsync(string userId)
    {
        await using var db = await DbAsync();
        return await db.Users.AnyAsync(u => u.Id == userId);
    }

    private async Task<ControlPlaneDb> DbAsync() =>
        await portal.ControlPlane.Services.GetRequiredService<IDbContextFactory<ControlPlaneDb>>().CreateDbContextAsync();

    private async Task<bool> BoundAsync(string domainId, string groupId)
    {
        await using var db = await DbAsync();
        return await db.Associations.AnyAsync(a => a.DomainId == domainId && a.TargetType == AssociationTypes.UserGroup && a.TargetId == groupId);
    }

    private async Task<bool> DomainExistsAsync(string domainId)
    {
        await using var db = await DbAsync();
        return await db.Domains.AnyAsync(d => d.Id == domainId);
    }

    private async Task<long> LastSeqAsync(string domainId)
    {
        await using var db = await DbAsync();
        return await db.Domains.Where(d => d.Id == domainId).Select(d => d.LastSeq).SingleAsync();
    }

    private async Task<string[]> KindsSinceAsync(string domainId, long seq)
    {
        await using var db = await DbAsync();
        return [.. await db.Changes.Where(c => c.DomainId == domainId && c.Seq > seq).OrderBy(c => c.Seq).Select(c => c.Kind).ToListAsync()];
    }
}
