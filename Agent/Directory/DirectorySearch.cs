using System.DirectoryServices.Protocols;

namespace JumpCloudAdi.Agent.Directory;

/// <summary>The LDAP requests every part of the writer makes: send, read one entry, read all of them page by page.</summary>
internal sealed class DirectorySearch(LdapConnection connection)
{
    public DirectoryResponse Send(DirectoryRequest request) => connection.SendRequest(request);

    /// <summary>The first entry found; null when none (or the base does not exist).</summary>
    public SearchResultEntry? One(string baseDn, SearchScope scope, string filter, params string[] attributes)
    {
        try
        {
            var response = (SearchResponse)connection.SendRequest(new SearchRequest(baseDn, filter, scope, attributes));
            return response.Entries.Count == 0 ? null : response.Entries[0];
        }
        catch (DirectoryOperationException ex) when (ex.Response?.ResultCode == ResultCode.NoSuchObject)
        {
            return null;
        }
    }

    /// <summary>Every entry found, asked for 500 at a time (the paged results control).</summary>
    public IEnumerable<SearchResultEntry> All(string baseDn, SearchScope scope, string filter, params string[] attributes)
    {
        var request = new SearchRequest(baseDn, filter, scope, attributes);
        var paging = new PageResultRequestControl(500);
        request.Controls.Add(paging);
        while (true)
        {
            var response = (SearchResponse)connection.SendRequest(request);
            foreach (SearchResultEntry entry in response.Entries)
            {
                yield return entry;
            }

            var cookie = response.Controls.OfType<PageResultResponseControl>().FirstOrDefault()?.Cookie;
            if (cookie is null || cookie.Length == 0)
            {
                yield break;
            }

            paging.Cookie = cookie;
        }
    }
}
