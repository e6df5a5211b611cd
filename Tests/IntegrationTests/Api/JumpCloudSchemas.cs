using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;

namespace JumpCloudAdi.IntegrationTests.Api;

/// <summary>
/// Checks responses against JumpCloud's published schemas: the parts the tests need are copied into
/// <c>Api/Schemas/*.schema.json</c> (embedded; see the <c>$comment</c> in each), evaluated with JsonSchema.Net. A
/// property the schema types as a string fails if it is <c>null</c>; <see cref="AssertNoNull"/> also catches a
/// <c>null</c> in a property the schema does not describe.
/// </summary>
internal static class JumpCloudSchemas
{
    public const string V1 = "jumpcloud-v1";
    public const string V2 = "jumpcloud-v2";

    private static readonly ConcurrentDictionary<string, JsonSchema> _schemas = new();

    /// <summary>Validates <paramref name="instance"/> against <c>$defs/<paramref name="definition"/></c> of <paramref name="document"/>.</summary>
    public static void AssertValid(string document, string definition, JsonNode? instance)
    {
        var schema = _schemas.GetOrAdd($"{document}#{definition}", _ => Build(document, definition));
        using var json = JsonDocument.Parse(instance?.ToJsonString() ?? "null");
        var results = schema.Evaluate(json.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
        var problems = results.Details?.Where(d => !d.IsValid && d.Errors is { Count: > 0 })
            .SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Key}: {e.Value}")).ToList() ?? [];
        Assert.True(results.IsValid, $"not a valid {definition}: {string.Join("; ", problems)}\n{instance?.ToJsonString()}");
    }

    /// <summary>Validates every item of a v2 list against <paramref name="definition"/>.</summary>
    public static void AssertValidItems(string document, string definition, JsonArray list)
    {
        foreach (var item in list)
        {
            AssertValid(document, definition, item);
        }
    }

    /// <summary>
    /// No <c>null</c> anywhere in <paramref name="instance"/> except in the properties named in
    /// <paramref name="nullable"/> (those the schema types as <c>["string", "null"]</c>).
    /// </summary>
    public static void AssertNoNull(JsonNode? instance, params string[] nullable)
    {
        void Walk(JsonNode? node, string path)
        {
            switch (node)
            {
                case JsonObject o:
                    foreach (var (name, child) in o)
                    {
                        Assert.False(child is null && !nullable.Contains(name), $"{path}.{name} is null");
                        Walk(child, $"{path}.{name}");
                    }

                    break;
                case JsonArray a:
                    for (var i = 0; i < a.Count; i++)
                    {
                        Assert.False(a[i] is null, $"{path}[{i}] is null");
                        Walk(a[i], $"{path}[{i}]");
                    }

                    break;
            }
        }

        Walk(instance, "$");
    }

    private static JsonSchema Build(string document, string definition)
    {
        using var stream = typeof(JumpCloudSchemas).Assembly.GetManifestResourceStream($"Schemas.{document}.schema.json")
            ?? throw new InvalidOperationException($"schema {document} is not embedded");
        var root = JsonNode.Parse(stream)!.AsObject();
        Assert.True(root["$defs"]!.AsObject().ContainsKey(definition), $"{document} has no $defs/{definition}");
        root["$ref"] = $"#/$defs/{definition}";
        return JsonSchema.FromText(root.ToJsonString(), new BuildOptions { SchemaRegistry = new SchemaRegistry() },
            new Uri($"https://schemas.jcadi.test/{document}/{Uri.EscapeDataString(definition)}"));
    }
}
