using System.Formats.Asn1;
using System.Text;
using JumpCloudAdi.Agent.Directory;

namespace JumpCloudAdi.UnitTests.Agent.Directory;

public sealed class PostReadControlTests
{
    [Fact]
    public void Create_asks_for_the_attributes_non_critically()
    {
        var control = PostReadControl.Create("entryUUID");

        Assert.Equal("1.3.6.1.1.13.2", control.Type);
        Assert.False(control.IsCritical);
        var selection = new AsnReader(control.GetValue(), AsnEncodingRules.BER).ReadSequence();
        Assert.Equal("entryUUID", Encoding.UTF8.GetString(selection.ReadOctetString()));
        Assert.False(selection.HasData);
    }

    [Fact]
    public void FirstValue_reads_the_attribute_from_the_returned_entry()
    {
        var value = Entry("uid=alice,ou=People,dc=example,dc=com", ("cn", ["Alice"]), ("entryUUID", ["0f1e2d3c-aaaa-bbbb-cccc-000000000001"]));

        Assert.Equal("0f1e2d3c-aaaa-bbbb-cccc-000000000001", Encoding.UTF8.GetString(PostReadControl.FirstValue(value, "entryuuid")!));
        Assert.Null(PostReadControl.FirstValue(value, "mail"));
    }

    [Fact]
    public void FirstValue_of_a_malformed_value_is_null()
    {
        Assert.Null(PostReadControl.FirstValue([0x30, 0x05, 0x04], "entryUUID"));
    }

    private static byte[] Entry(string dn, params (string Type, string[] Values)[] attributes)
    {
        var writer = new AsnWriter(AsnEncodingRules.BER);
        using (writer.PushSequence(new Asn1Tag(TagClass.Application, 4, isConstructed: true)))
        {
            writer.WriteOctetString(Encoding.UTF8.GetBytes(dn));
            using (writer.PushSequence())
            {
                foreach (var (type, values) in attributes)
                {
                    using (writer.PushSequence())
                    {
                        writer.WriteOctetString(Encoding.UTF8.GetBytes(type));
                        using (writer.PushSetOf())
                        {
                            foreach (var v in values)
                            {
                                writer.WriteOctetString(Encoding.UTF8.GetBytes(v));
                            }
                        }
                    }
                }
            }
        }

        return writer.Encode();
    }
}
