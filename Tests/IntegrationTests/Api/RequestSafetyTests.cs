using System.Diagnostics;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using JumpCloudAdi.IntegrationTests.Infrastructure;

namespace JumpCloudAdi.IntegrationTests.Api;

/// <summary>
/// Authentication before the body is read, the request body limit, JumpCloud-shaped answers to unbindable bodies,
/// HSTS: all on a real Kestrel over TLS.
/// </summary>
public sealed class RequestSafetyTests(ApiHost host) : IClassFixture<ApiHost>
{
    private ControlPlaneHost Cp => host.ControlPlane;

    [Fact]
    public async Task A_malformed_body_without_a_key_is_401_not_400()
    {
        using var anonymous = Cp.CreateClient(null);
        using var response = await anonymous.PostAsync("/api/systemusers", new StringContent("{", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(401, JsonNode.Parse(await response.Content.ReadAsStringAsync())!["code"]!.GetValue<int>());
    }

    [Theory]
    [InlineData(null, "Content-Length: 100000000")]
    [InlineData("wrong-key-wrong-key-wrong-key-wrong-key", "Content-Length: 100000000")]
    [InlineData(null, "Transfer-Encoding: chunked")]
    public async Task A_large_body_without_a_valid_key_is_answered_401_before_it_is_sent(string? key, string framing)
    {
        // Headers announce 100 MB (or an endless chunked body) but only the first KiB is ever sent: an answer can only
        // come from a server that refuses before reading the body. A server that read first would wait (the guard below).
        var chunked = framing.StartsWith("Transfer-Encoding", StringComparison.Ordinal);
        var head = $"POST /api/systemusers HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n{framing}\r\n"
                   + (key is null ? "" : $"x-api-key: {key}\r\n") + "\r\n";
        var first = "{\"username\":\"" + new string('a', 1000);
        var body = chunked ? $"{first.Length:x}\r\n{first}\r\n" : first;
        var (status, text) = await RawExchangeAsync(head + body);
        Assert.Equal(401, status);
        Assert.Contains("\"code\":401", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_body_over_the_limit_with_the_key_is_413_in_JumpCloud_shape_and_nothing_is_stored()
    {
        var username = ApiAssert.Unique("big");
        var big = new { username, email = $"{username}@example.com", firstname = new string('x', 70 * 1024) };
        ApiAssert.Error(413, await Cp.SendAsync(HttpMethod.Post, "/api/systemusers", big), "bodyTooLarge");

        // Without a Content-Length (chunked), Kestrel stops at the limit while the binder reads.
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/systemusers")
        {
            Content = new StreamContent(new MemoryStream(System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(big))),
        };
        request.Content.Headers.ContentType = new("application/json");
        request.Headers.TransferEncodingChunked = true;
        using var response = await Cp.Api.SendAsync(request);
        var json = JsonNode.Parse(await response.Content.ReadAsStringAsync());
        ApiAssert.Error(413, ((int)response.StatusCode, json), "bodyTooLarge");
        var stored = await Cp.MustAsync(HttpMethod.Get, $"/api/systemusers?filter=username:eq:{username}", null, 200);
        Assert.Equal(0, stored["totalCount"]!.GetValue<int>());
    }

    [Fact]
    public async Task A_body_just_under_the_limit_is_read()
    {
        var username = ApiAssert.Unique("fits");
        ApiAssert.Error(400, await Cp.SendAsync(HttpMethod.Post, "/api/systemusers",
            new { username, email = $"{username}@example.com", firstname = new string('x', 60 * 1024) }), "invalidFirstname");
    }

    [Theory]
    [InlineData("/api/systemusers", """{"username": 5, "email": "n@example.com"}""", "username", "invalidUsername")]
    [InlineData("/api/systemusers", """{"username": "typed", "email": "t@example.com", "suspended": "yes"}""", "suspended", "invalidSuspended")]
    [InlineData("/api/v2/usergroups", """{"name": ["a"]}""", "name", "invalidField")]
    [InlineData("/api/v2/activedirectories", """{"domain": {"dc": "example"}}""", "domain", "invalidField")]
    public async Task A_wrong_JSON_type_is_400_naming_the_field(string path, string body, string field, string status)
    {
        // System users read their body field by field (SystemUserInput, one status per field); the others bind it whole.
        using var response = await Cp.Api.PostAsync(path, new StringContent(body, Encoding.UTF8, "application/json"));
        var text = await response.Content.ReadAsStringAsync();
        ApiAssert.Error(400, ((int)response.StatusCode, string.IsNullOrEmpty(text) ? null : JsonNode.Parse(text)), status, field);
    }

    [Theory]
    [InlineData("{")]
    [InlineData("[1,2")]
    [InlineData("not json")]
    public async Task Malformed_JSON_with_the_key_is_400_in_JumpCloud_shape(string body)
    {
        using var response = await Cp.Api.PostAsync("/api/v2/usergroups", new StringContent(body, Encoding.UTF8, "application/json"));
        var text = await response.Content.ReadAsStringAsync();
        ApiAssert.Error(400, ((int)response.StatusCode, string.IsNullOrEmpty(text) ? null : JsonNode.Parse(text)));
    }

    [Fact]
    public async Task A_body_that_is_not_JSON_is_415_in_JumpCloud_shape()
    {
        foreach (var path in new[] { "/api/systemusers", "/api/v2/usergroups" })
        {
            using var response = await Cp.Api.PostAsync(path, new StringContent("name=x", Encoding.UTF8, "text/plain"));
            var text = await response.Content.ReadAsStringAsync();
            ApiAssert.Error(415, ((int)response.StatusCode, string.IsNullOrEmpty(text) ? null : JsonNode.Parse(text)), "unsupportedMediaType");
        }
    }

    [Fact]
    public async Task A_parameter_that_does_not_parse_is_400_naming_it()
    {
        var group = await Cp.CreateGroupAsync(ApiAssert.Unique("param"));
        ApiAssert.Error(400, await Cp.SendAsync(HttpMethod.Get, $"/api/v2/usergroups/{group}/members?limit=abc"), "invalidParameter", "limit");
    }

    [Theory]
    [InlineData("GET", "/api/v2/activedirectories", null)]
    [InlineData("GET", "/login", null)]
    [InlineData("POST", "/api/v2/usergroups", "{")]
    public async Task HTTPS_responses_carry_HSTS(string method, string path, string? body)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }

        using var response = await Cp.Api.SendAsync(request);
        Assert.True(response.Headers.TryGetValues("Strict-Transport-Security", out var values), $"no HSTS on {path}");
        Assert.Contains("max-age=31536000", values.Single(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_configured_key_shorter_than_32_characters_stops_the_start_with_a_clear_error()
    {
        using var temp = new TempDirectory();
        var info = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { ControlPlaneProcess.ControlPlaneDll, "--urls", $"https://127.0.0.1:{Processes.FreePort()}" })
        {
            info.ArgumentList.Add(a);
        }

        info.Environment["Admin__ApiKey"] = new string('k', 31);
        info.Environment["Data__Directory"] = temp.Path;
        info.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        using var process = Process.Start(info)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEndAsync();
        using var guard = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(guard.Token);
        Assert.Equal(2, process.ExitCode);
        var error = await stderr;
        Assert.Contains("Admin:ApiKey must be at least 32 characters", error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", error, StringComparison.Ordinal);
        Assert.DoesNotContain("Now listening", await stdout, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(temp.Path, "controlplane.db")), "refused before the database was created");
    }

    /// <summary>Sends raw bytes over TLS and reads one HTTP/1.1 response (status and body) without sending anything more.</summary>
    private async Task<(int Status, string Text)> RawExchangeAsync(string request)
    {
        using var guard = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(Cp.Url.Host, Cp.Url.Port, guard.Token);
        await using var tls = new SslStream(tcp.GetStream(), false, CaTrust.Validator(Cp.Certificates.CaPath));
        await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
        {
            TargetHost = Cp.Url.Host,
            ApplicationProtocols = [SslApplicationProtocol.Http11],
        }, guard.Token);
        await tls.WriteAsync(Encoding.ASCII.GetBytes(request), guard.Token);
        await tls.FlushAsync(guard.Token);

        var received = new StringBuilder();
        var buffer = new byte[8192];
        while (true)
        {
            var text = received.ToString();
            var headerEnd = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
            if (headerEnd >= 0)
            {
                var lengthLine = text[..headerEnd].Split("\r\n").FirstOrDefault(l => l.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase));
                var length = lengthLine is null ? 0 : int.Parse(lengthLine["Content-Length:".Length..].Trim(), System.Globalization.CultureInfo.InvariantCulture);
                if (text.Length >= headerEnd + 4 + length)
                {
                    return (int.Parse(text.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture), text[(headerEnd + 4)..]);
                }
            }

            var read = await tls.ReadAsync(buffer, guard.Token);
            Assert.True(read > 0, $"the server closed the connection without an answer: {text}");
            received.Append(Encoding.UTF8.GetString(buffer, 0, read));
        }
    }
}
