using System.Net;
using System.Text.RegularExpressions;
using JumpCloudAdi.IntegrationTests.Infrastructure;

namespace JumpCloudAdi.IntegrationTests.Portal;

/// <summary>
/// The portal's pages and forms over real TLS without a browser: a cookie jar per signed-in user, and the antiforgery
/// token each form carries. The jar holds cookies by host, not port, so one jar used against two replicas on
/// 127.0.0.1 behaves like a browser behind a load balancer.
/// </summary>
public static partial class PortalForms
{
    /// <summary>The page the portal redirects to after sign-in.</summary>
    public const string Home = "/activedirectory";

    /// <summary>A client of <paramref name="host"/> with <paramref name="cookies"/> that does not follow redirects.</summary>
    public static HttpClient Client(ControlPlaneHost host, CookieContainer cookies) => new(new SocketsHttpHandler
    {
        CookieContainer = cookies,
        AllowAutoRedirect = false,
        SslOptions = { RemoteCertificateValidationCallback = CaTrust.Validator(host.Certificates.CaPath) },
    }) { BaseAddress = host.Url };

    /// <summary>Signs in through the login form (antiforgery token and all), as a browser does.</summary>
    public static async Task<CookieContainer> SignInAsync(ControlPlaneHost host, string username, string password)
    {
        var cookies = new CookieContainer();
        using var http = Client(host, cookies);
        using var response = await PostAsync(http, "/login", await TokenAsync(http, "/login"), new Dictionary<string, string>
        {
            ["Username"] = username,
            ["Password"] = password,
        });
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal(Home, response.Headers.Location?.OriginalString);
        return cookies;
    }

    /// <summary>Loads <paramref name="path"/> (which must answer 200) and returns the antiforgery token of its form.</summary>
    public static async Task<string> TokenAsync(HttpClient http, string path)
    {
        ArgumentNullException.ThrowIfNull(http);
        using var response = await http.GetAsync(new Uri(path, UriKind.Relative));
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {path} answered {(int)response.StatusCode} {response.Headers.Location}");
        var token = AntiforgeryField().Match(await response.Content.ReadAsStringAsync()).Groups[1].Value;
        Assert.False(string.IsNullOrEmpty(token), $"the form on {path} carries an antiforgery token");
        return token;
    }

    /// <summary>Posts a form to <paramref name="path"/> with <paramref name="token"/> as its antiforgery field.</summary>
    public static Task<HttpResponseMessage> PostAsync(HttpClient http, string path, string token, IDictionary<string, string> fields)
    {
        ArgumentNullException.ThrowIfNull(http);
        return http.PostAsync(new Uri(path, UriKind.Relative),
            new FormUrlEncodedContent(new Dictionary<string, string>(fields) { ["__RequestVerificationToken"] = token }));
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();
}
