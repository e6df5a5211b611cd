using System.DirectoryServices.Protocols;

namespace JumpCloudAdi.Agent.Directory;

/// <summary>Reading attribute values of search results without caring whether they are there.</summary>
internal static class LdapEntryExtensions
{
    public static string? FirstValue(this SearchResultEntry entry, string attribute) =>
        entry.Attributes[attribute] is { Count: > 0 } values ? (string)values.GetValues(typeof(string))[0] : null;

    public static IEnumerable<string> AllValues(this SearchResultEntry entry, string attribute) =>
        entry.Attributes[attribute] is { Count: > 0 } values ? values.GetValues(typeof(string)).Cast<string>() : [];

    public static IEnumerable<byte[]> AllBinaryValues(this SearchResultEntry entry, string attribute) =>
        entry.Attributes[attribute] is { Count: > 0 } values ? values.GetValues(typeof(byte[])).Cast<byte[]>() : [];

    public static long LongValue(this SearchResultEntry entry, string attribute) =>
        long.TryParse(entry.FirstValue(attribute), System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var v) ? v : 0;
}
