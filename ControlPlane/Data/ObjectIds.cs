using System.Security.Cryptography;

namespace JumpCloudAdi.ControlPlane.Data;

/// <summary>JumpCloud-style object ids: 24 lowercase hex digits, time-ordered like a MongoDB ObjectId.</summary>
public static class ObjectIds
{
    public static string New(TimeProvider time)
    {
        Span<byte> bytes = stackalloc byte[12];
        var seconds = (uint)time.GetUtcNow().ToUnixTimeSeconds();
        bytes[0] = (byte)(seconds >> 24);
        bytes[1] = (byte)(seconds >> 16);
        bytes[2] = (byte)(seconds >> 8);
        bytes[3] = (byte)seconds;
        RandomNumberGenerator.Fill(bytes[4..]);
        return Convert.ToHexStringLower(bytes);
    }

    public static bool IsValid(string? id) => id is { Length: 24 } && id.All(char.IsAsciiHexDigitLower);
}
