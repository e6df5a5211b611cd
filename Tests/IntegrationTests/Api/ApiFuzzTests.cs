using System.Globalization;
using System.Net.Http.Headers;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using System.Text;
using System.Text.Json.Nodes;
using CsCheck;
using JumpCloudAdi.IntegrationTests.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace JumpCloudAdi.IntegrationTests.Api;

/// <summary>
/// A property test: generated JSON bodies and query strings, with the valid key, sent to every REST endpoint the
/// control plane maps under <c>/api</c> (read from its own endpoint table, so a new endpoint is covered without editing
/// this test). No answer may be a 5xx, and every error is in JumpCloud's shape with its status repeated in <c>code</c>.
/// Bounded: <see cref="Requests"/> requests on one thread.
/// </summary>
public sealed class ApiFuzzTests(ApiHost host) : IClassFixture<ApiHost>
{
    private const int Requests = 600;

    private static readonly string[] _fieldNames =
    [
        "username", "email", "firstname", "lastname", "password", "suspended", "account_locked", "name", "description",
        "domain", "useCase", "agentType", "op", "type", "id", "_id", "filter", "searchFilter", "searchTerm", "fields", "and",
        "to", "paths", "syncStatus", "state", "created", "x", "",
    ];

    private static readonly Gen<string> _text = Gen.OneOf(
        Gen.OneOf(_fieldNames.Where(n => n.Length > 0).ToArray()),
        Gen.Const("add"), Gen.Const("remove"), Gen.Const("user"), Gen.Const("user_group"), Gen.Const("SYNC"), Gen.Const("IMPORT"),
        Gen.Const("DC=example;DC=com"), Gen.Const("a@example.com"), Gen.Const("Correct-Horse-9"), Gen.Const("000000000000000000000000"),
        Gen.String[0, 40],
        Gen.Char['\0', '\uffff'].Array[0, 12].Select(Text),
        Gen.Char.Array[200, 2000].Select(Text));

    private static readonly Gen<JsonNode?> _scalar = Gen.OneOf(
        Gen.Const((JsonNode?)null),
        Gen.Bool.Select(b => (JsonNode?)JsonValue.Create(b)),
        Gen.Long.Select(l => (JsonNode?)JsonValue.Create(l)),
        Gen.Double[-1e12, 1e12].Select(d => (JsonNode?)JsonValue.Create(d)),
        _text.Select(t => (JsonNode?)JsonValue.Create(t)));

    /// <summary>Keys for generated objects: mostly the fields the endpoints read, so wrong types reach their checks.</summary>
    private static readonly Gen<string> _key = Gen.Frequency(
        (3, Gen.OneOf("searchFilter", "searchTerm", "filter", "and", "fields", "username", "email", "name", "domain", "useCase",
            "agentType", "op", "type", "id", "suspended", "password", "description", "firstname", "lastname")),
        (1, Gen.OneOf(_fieldNames)));

    private static readonly Gen<JsonNode?> _json = Gen.Recursive<JsonNode?>((depth, inner) => depth >= 3
        ? _scalar
        : Gen.Frequency(
            (4, _scalar),
            (2, inner.Array[0, 4].Select(items => (JsonNode?)new JsonArray([.. items.Select(i => i?.DeepClone())]))),
            (4, Gen.Select(_key.Array[0, 6], inner.Array[6], (keys, values) =>
            {
                var o = new JsonObject();
                for (var i = 0; i < keys.Length; i++)
                {
                    o[keys[i]] = values[i]?.DeepClone();
                }

                return (JsonNode?)o;
            }))));

    /// <summary>The v1 search body (read by hand, so not described by a parameter type).</summary>
    private static readonly Gen<JsonNode?> _searchShape =
        Shape(("searchFilter", Shape(("searchTerm", _json), ("fields", _json))), ("filter", Gen.OneOf(_json, Shape(("and", _json)))), ("fields", _json));

    private static readonly Gen<string> _malformed =
        Gen.OneOf(Gen.Const("{"), Gen.Const("["), Gen.Const("{\"a\":"), Gen.Const(""), Gen.Const("\"unterminated"), Gen.Const("{}}"), Gen.String[0, 60]);

    private static readonly JsonSerializerOptions _web = new(JsonSerializerDefaults.Web) { TypeInfoResolver = new DefaultJsonTypeInfoResolver() };

    private static readonly Gen<string> _queryValue = Gen.OneOf(
        Gen.Int[-5, 200].Select(i => i.ToString(CultureInfo.InvariantCulture)),
        Gen.Select(Gen.OneOf(_fieldNames), Gen.OneOf("eq", "ne", "gt", "ge", "lt", "le", "search", "in", "bogus", ""), _text,
            (f, op, v) => $"{f}:{op}:{v}"),
        Gen.OneOf(_fieldNames).Array[0, 8].Select(f => string.Join(',', f.Select(x => "-" + x))),
        Gen.OneOf(_fieldNames).Array[0, 40].Select(f => string.Join(' ', f)),
        _text);

    private static readonly Gen<string> _query = Gen.Select(
            Gen.OneOf("limit", "skip", "filter", "sort", "fields", "targets", "syncStatus", "x").Array[0, 5], _queryValue.Array[5],
            (keys, values) => string.Join('&', keys.Select((k, i) => $"{k}={Uri.EscapeDataString(values[i])}")));

    /// <summary>An object with some of <paramref name="fields"/> (each left out one time in three).</summary>
    private static Gen<JsonNode?> Shape(params (string Name, Gen<JsonNode?> Value)[] fields)
    {
        var shape = Gen.Const(() => new JsonObject());
        foreach (var (name, value) in fields)
        {
            shape = Gen.Select(shape, value, Gen.Int[0, 2], (o, v, keep) =>
            {
                if (keep > 0)
                {
                    o[name] = v?.DeepClone();
                }

                return o;
            });
        }

        return shape.Select(o => (JsonNode?)o);
    }

    /// <summary>
    /// Bodies for an endpoint: mostly objects of the shape its body parameter declares (each field present or not, each
    /// value of any JSON type), otherwise any JSON or malformed text.
    /// </summary>
    private static Gen<string> BodyFor(Endpoint endpoint)
    {
        var input = endpoint.Metadata.GetMetadata<MethodInfo>()?.GetParameters()
            .Select(p => Nullable.GetUnderlyingType(p.ParameterType) ?? p.ParameterType)
            .FirstOrDefault(t => t.Name.EndsWith("Input", StringComparison.Ordinal));
        var shape = input is null ? _searchShape : Shape([.. _web.GetTypeInfo(input).Properties.Select(p => (p.Name, _json))]);
        return Gen.Frequency((6, shape.Select(j => j?.ToJsonString() ?? "null")), (3, _json.Select(j => j?.ToJsonString() ?? "null")), (1, _malformed));
    }

    /// <summary>Chars as a string, lone surrogates (which no client can send as UTF-8) replaced.</summary>
    private static string Text(char[] chars) => new([.. chars.Select(c => char.IsSurrogate(c) ? '?' : c)]);

    [Fact]
    public async Task Generated_bodies_and_query_strings_never_get_a_5xx_from_any_endpoint()
    {
        var cp = host.ControlPlane;
        var domain = await cp.CreateDomainAsync("DC=fuzz;DC=example");
        var (agent, _) = await cp.CreateConnectKeyAsync(domain);
        var user = await cp.CreateUserAsync(ApiAssert.Unique("fuzz"), "Fuzz", "User");
        var group = await cp.CreateGroupAsync(ApiAssert.Unique("fuzz"));
        // Mostly ids that exist (so requests get past the lookup), sometimes ones that do not or cannot.
        var ids = Gen.Frequency((6, Gen.OneOf(domain, agent, user, group)),
            (1, Gen.OneOf("000000000000000000000000", "", "%00", "..", new string('f', 300), "\u00e9t\u00e9")));

        var endpoints = cp.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText?.StartsWith("/api", StringComparison.Ordinal) == true)
            .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["GET"]).Select(m => (Method: m, Endpoint: e)))
            // Deletions last, so the seeded objects exist for the others.
            .OrderBy(e => e.Method == "DELETE")
            .ToArray();
        Assert.True(endpoints.Length >= 30, $"the API's endpoint table looks incomplete: {endpoints.Length}");

        // Every endpoint gets its share (those that read a body the larger one): each is covered, whatever the draw.
        var withBody = endpoints.Count(e => e.Method is "POST" or "PUT" or "PATCH");
        var perBodyEndpoint = Requests * 2 / (endpoints.Length + withBody);
        var perOtherEndpoint = Math.Max(1, perBodyEndpoint / 2);
        var contentTypes = Gen.Frequency((9, Gen.Const("application/json")), (1, Gen.Const("text/plain")));
        foreach (var (method, endpoint) in endpoints)
        {
            var pattern = endpoint.RoutePattern.RawText!;
            var hasBody = method is "POST" or "PUT" or "PATCH";
            var request = Gen.Select(ids.Array[2], Gen.Frequency((1, Gen.Const("")), (1, _query)), BodyFor(endpoint), contentTypes);
            await request.SampleAsync(async (routeIds, query, body, contentType) =>
            {
                var idIndex = 0;
                var path = System.Text.RegularExpressions.Regex.Replace(pattern, "\\{[^}]+\\}", _ => Uri.EscapeDataString(routeIds[idIndex++ % routeIds.Length]));
                using var message = new HttpRequestMessage(new HttpMethod(method), query.Length == 0 ? path : $"{path}?{query}");
                if (hasBody)
                {
                    message.Content = new StringContent(body, Encoding.UTF8);
                    message.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
                }

                using var response = await cp.Api.SendAsync(message);
                var status = (int)response.StatusCode;
                var text = await response.Content.ReadAsStringAsync();
                Assert.True(status < 500, $"{method} {message.RequestUri} with {body} answered {status}: {text}");
                if (status >= 400)
                {
                    var error = string.IsNullOrEmpty(text) ? null : JsonNode.Parse(text);
                    Assert.True(error?["code"]?.GetValue<int>() == status && error["message"] is not null,
                        $"{method} {message.RequestUri} with {body} answered {status} without JumpCloud's error shape: '{text}'");
                }
            }, iter: hasBody ? perBodyEndpoint : perOtherEndpoint, threads: 1);
        }

        // The control plane still answers normally afterwards.
        await cp.MustAsync(HttpMethod.Get, "/api/v2/activedirectories", null, 200);
    }
}
