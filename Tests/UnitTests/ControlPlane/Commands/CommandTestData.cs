using JumpCloudAdi.ControlPlane.Data;
using Microsoft.EntityFrameworkCore;

namespace JumpCloudAdi.UnitTests.ControlPlane.Commands;

/// <summary>Arranges the directory model for the command tests and reads back the change log.</summary>
internal static class CommandTestData
{
    public const string DomainA = CommandHost.DomainA;
    public const string DomainB = CommandHost.DomainB;
    public const string Ada = "111111111111111111111111";
    public const string Alan = "222222222222222222222222";
    public const string Nameless = "333333333333333333333333";
    public const string Engineers = "eeeeeeeeeeeeeeeeeeeeeeee";
    public const string Missing = "ffffffffffffffffffffffff";

    /// <summary>Besides the host's two domains: three users (one without a last name), one group of Ada and Alan; nothing bound.</summary>
    public static async Task SeedAsync(CommandHost host)
    {
        await using var db = host.Db();
        db.Users.Add(new SystemUser { Id = Ada, Username = "ada", Email = "ada@example.com", Firstname = "Ada", Lastname = "Lovelace" });
        db.Users.Add(new SystemUser { Id = Alan, Username = "alan", Email = "alan@example.com", Firstname = "Alan", Lastname = "Turing" });
        db.Users.Add(new SystemUser { Id = Nameless, Username = "nameless", Email = "nameless@example.com", Firstname = "No", Lastname = "" });
        db.Groups.Add(new UserGroup { Id = Engineers, Name = "engineers" });
        db.GroupMembers.Add(new GroupMember { GroupId = Engineers, UserId = Ada });
        db.GroupMembers.Add(new GroupMember { GroupId = Engineers, UserId = Alan });
        await db.SaveChangesAsync();
    }

    public static async Task BindAsync(CommandHost host, string domainId, string type, string targetId)
    {
        await using var db = host.Db();
        db.Associations.Add(new DomainAssociation { DomainId = domainId, TargetType = type, TargetId = targetId });
        await db.SaveChangesAsync();
    }

    /// <summary>The domain's change log as <c>seq kind objectId</c> lines.</summary>
    public static async Task<List<string>> EntriesAsync(CommandHost host, string domainId)
    {
        await using var db = host.Db();
        return await db.Changes.Where(c => c.DomainId == domainId).OrderBy(c => c.Seq)
            .Select(c => c.Seq + " " + c.Kind + " " + c.ObjectId).ToListAsync();
    }
}
