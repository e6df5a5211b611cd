using System.Globalization;

namespace JumpCloudAdi.Agent.Directory;

/// <summary>
/// AD's ranged retrieval of multi-valued attributes: a DC returns at most MaxValRange values (1500 by default) of an
/// attribute such as <c>member</c>, under the name <c>member;range=0-1499</c>, and the client asks for the next range
/// (<c>member;range=1500-*</c>) until the returned range ends in <c>*</c>.
/// </summary>
internal readonly record struct ValueRange(string AttributeName, long Start, long? End)
{
    /// <summary>True for the last range (<c>…-*</c>).</summary>
    public bool IsLast => End is null;

    /// <summary>The attribute to ask for next: the rest (<paramref name="size"/> null) or the next <paramref name="size"/> values.</summary>
    public string Next(string attribute, int? size)
    {
        var start = (End ?? throw new InvalidOperationException("the last range has no next")) + 1;
        return Request(attribute, start, size);
    }

    /// <summary><c>attribute;range=start-*</c> or <c>attribute;range=start-(start+size-1)</c>.</summary>
    public static string Request(string attribute, long start, int? size) =>
        size is { } n
            ? string.Create(CultureInfo.InvariantCulture, $"{attribute};range={start}-{start + n - 1}")
            : string.Create(CultureInfo.InvariantCulture, $"{attribute};range={start}-*");

    /// <summary>Finds the ranged form of <paramref name="attribute"/> among returned attribute names, if any.</summary>
    public static ValueRange? Find(IEnumerable<string> attributeNames, string attribute)
    {
        ArgumentNullException.ThrowIfNull(attributeNames);
        foreach (var name in attributeNames)
        {
            if (Parse(name, attribute) is { } range)
            {
                return range;
            }
        }

        return null;
    }

    /// <summary>Parses <c>attribute;range=S-E</c> or <c>attribute;range=S-*</c> (case-insensitive); null for anything else.</summary>
    public static ValueRange? Parse(string name, string attribute)
    {
        ArgumentNullException.ThrowIfNull(name);
        var prefix = attribute + ";range=";
        if (!name.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var bounds = name.AsSpan(prefix.Length);
        var dash = bounds.IndexOf('-');
        if (dash <= 0 || !long.TryParse(bounds[..dash], NumberStyles.None, CultureInfo.InvariantCulture, out var start))
        {
            return null;
        }

        var end = bounds[(dash + 1)..];
        if (end is "*")
        {
            return new ValueRange(name, start, null);
        }

        return long.TryParse(end, NumberStyles.None, CultureInfo.InvariantCulture, out var last) && last >= start
            ? new ValueRange(name, start, last)
            : null;
    }
}
