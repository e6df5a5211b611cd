using System.DirectoryServices.Protocols;
using System.Formats.Asn1;
using System.Text;

namespace JumpCloudAdi.Agent.Directory;

/// <summary>The LDAP password modify extended operation (RFC 3062): the server hashes the password by its own policy.</summary>
internal static class PasswordModifyRequest
{
    public const string Oid = "1.3.6.1.4.1.4203.1.11.1";

    public static ExtendedRequest Create(string userDn, string newPassword)
    {
        // PasswdModifyRequestValue ::= SEQUENCE { userIdentity [0] OCTET STRING OPTIONAL, newPasswd [2] OCTET STRING OPTIONAL }
        var writer = new AsnWriter(AsnEncodingRules.BER);
        using (writer.PushSequence())
        {
            writer.WriteOctetString(Encoding.UTF8.GetBytes(userDn), new Asn1Tag(TagClass.ContextSpecific, 0));
            writer.WriteOctetString(Encoding.UTF8.GetBytes(newPassword), new Asn1Tag(TagClass.ContextSpecific, 2));
        }

        return new ExtendedRequest(Oid, writer.Encode());
    }
}
