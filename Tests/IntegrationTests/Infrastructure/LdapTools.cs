namespace JumpCloudAdi.IntegrationTests.Infrastructure;

/// <summary>The OpenLDAP client tools, as an administrator would use them, validating the server's certificate.</summary>
public static class LdapTools
{
    public static async Task<List<LdapEntry>> SearchAsync(string url, string caPath, string bindDn, string password,
        string baseDn, string filter, string scope, IEnumerable<string> attributes)
    {
        var args = new List<string> { "-x", "-LLL", "-o", "ldif-wrap=no", "-H", url, "-D", bindDn, "-w", password, "-b", baseDn, "-s", scope, filter };
        args.AddRange(attributes);
        var result = await Processes.RunAsync("ldapsearch", args, env: TlsEnv(caPath));
        if (result.ExitCode == 32)
        {
            return [];
        }

        result.EnsureSuccess($"ldapsearch {filter} under {baseDn}");
        return LdapEntry.ParseLdif(result.Output);
    }

    /// <summary>
    /// True when a simple bind succeeds. A bound read of the RootDSE rather than <c>ldapwhoami</c>: Samba does not
    /// implement the Who-am-I operation, so <c>ldapwhoami</c> fails there whatever the password.
    /// </summary>
    public static async Task<bool> CanBindAsync(string url, string caPath, string who, string password)
    {
        var result = await Processes.RunAsync("ldapsearch", ["-x", "-H", url, "-D", who, "-w", password, "-b", "", "-s", "base", "(objectClass=*)", "1.1"], env: TlsEnv(caPath));
        return result.ExitCode == 0;
    }

    public static async Task ModifyAsync(string url, string caPath, string bindDn, string password, string ldif, bool add = false, bool continueOnError = false)
    {
        var args = new List<string> { "-x", "-H", url, "-D", bindDn, "-w", password };
        if (add)
        {
            args.Add("-a");
        }

        if (continueOnError)
        {
            args.Add("-c");
        }

        var result = await Processes.RunAsync("ldapmodify", args, stdin: ldif, env: TlsEnv(caPath));
        if (!continueOnError)
        {
            result.EnsureSuccess("ldapmodify");
        }
    }

    public static Dictionary<string, string> TlsEnv(string caPath) => new()
    {
        ["LDAPTLS_CACERT"] = caPath,
        ["LDAPTLS_REQCERT"] = "demand",
    };
}
