using System.DirectoryServices.Protocols;

namespace JumpCloudAdi.Agent.Directory;

/// <summary>What the server says about itself: its flavour, extended operations and naming contexts.</summary>
public sealed class RootDse
{
    private const string AdCapability = "1.2.840.113556.1.4.800";

    private RootDse(IReadOnlySet<string> capabilities, IReadOnlySet<string> extensions, IReadOnlySet<string> controls, string? defaultNamingContext,
        string? subschema)
    {
        Flavor = capabilities.Contains(AdCapability) ? DirectoryFlavor.ActiveDirectory : DirectoryFlavor.OpenLdap;
        Extensions = extensions;
        Controls = controls;
        DefaultNamingContext = defaultNamingContext;
        SubschemaSubentry = subschema;
    }

    public DirectoryFlavor Flavor { get; }

    /// <summary>OIDs of the extended operations the server supports.</summary>
    public IReadOnlySet<string> Extensions { get; }

    /// <summary>OIDs of the request controls the server supports.</summary>
    public IReadOnlySet<string> Controls { get; }

    /// <summary>AD only: the domain's naming context, e.g. DC=example,DC=com.</summary>
    public string? DefaultNamingContext { get; }

    public string? SubschemaSubentry { get; }

    public static RootDse Read(LdapConnection connection)
    {
        var request = new SearchRequest("", "(objectClass=*)", SearchScope.Base,
            "supportedCapabilities", "supportedExtension", "supportedControl", "defaultNamingContext", "subschemaSubentry");
        var response = (SearchResponse)connection.SendRequest(request);
        var entry = response.Entries.Count == 0 ? null : response.Entries[0];
        return new RootDse(
            entry is null ? new HashSet<string>() : entry.AllValues("supportedCapabilities").ToHashSet(StringComparer.Ordinal),
            entry is null ? new HashSet<string>() : entry.AllValues("supportedExtension").ToHashSet(StringComparer.Ordinal),
            entry is null ? new HashSet<string>() : entry.AllValues("supportedControl").ToHashSet(StringComparer.Ordinal),
            entry?.FirstValue("defaultNamingContext"),
            entry?.FirstValue("subschemaSubentry"));
    }
}
