using System.DirectoryServices.Protocols;
using System.Formats.Asn1;
using System.Text;

namespace JumpCloudAdi.Agent.Directory;

/// <summary>
/// The LDAP post-read control (RFC 4527): the server returns chosen attributes of the entry as it is after the
/// update, in the update's own response, which saves reading the new entry's anchor back with a second request.
/// </summary>
internal static class PostReadControl
{
    public const string Oid = "1.3.6.1.1.13.2";

    /// <summary>A non-critical request for <paramref name="attributes"/>: a server without it just answers without the control.</summary>
    public static DirectoryControl Create(params string[] attributes)
    {
        // AttributeSelection ::= SEQUENCE OF selector LDAPString
        var writer = new AsnWriter(AsnEncodingRules.BER);
        using (writer.PushSequence())
        {
            foreach (var attribute in attributes)
            {
                writer.WriteOctetString(Encoding.UTF8.GetBytes(attribute));
            }
        }

        return new DirectoryControl(Oid, writer.Encode(), isCritical: false, serverSide: true);
    }

    /// <summary>The first value of <paramref name="attribute"/> in the response's post-read control; null when the control is absent.</summary>
    public static byte[]? FirstValue(DirectoryResponse response, string attribute)
    {
        var control = response.Controls?.FirstOrDefault(c => c.Type == Oid);
        return control is null ? null : FirstValue(control.GetValue(), attribute);
    }

    /// <summary>
    /// Reads <paramref name="attribute"/> from a control value: <c>SearchResultEntry ::= [APPLICATION 4] SEQUENCE {
    /// objectName LDAPDN, attributes SEQUENCE OF SEQUENCE { type, vals SET OF value } }</c>. Null when the attribute
    /// is absent or the value is malformed (the caller then reads the entry instead).
    /// </summary>
    public static byte[]? FirstValue(byte[] value, string attribute)
    {
        try
        {
            var entry = new AsnReader(value, AsnEncodingRules.BER).ReadSequence(new Asn1Tag(TagClass.Application, 4, isConstructed: true));
            entry.ReadOctetString();
            var attributes = entry.ReadSequence();
            while (attributes.HasData)
            {
                var partial = attributes.ReadSequence();
                var type = Encoding.UTF8.GetString(partial.ReadOctetString());
                var values = partial.ReadSetOf(skipSortOrderValidation: true);
                if (string.Equals(type, attribute, StringComparison.OrdinalIgnoreCase) && values.HasData)
                {
                    return values.ReadOctetString();
                }
            }
        }
        catch (AsnContentException)
        {
        }

        return null;
    }
}
