using System.Reflection;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace JumpCloudAdi.ControlPlane.Api;

/// <summary>
/// Documents a vocabulary enum (<see cref="WireEnumConverter{TEnum}"/>) as the strings it is sent as
/// (<c>"useCase": {"type": "string", "enum": ["UNSET", ...]}</c>), as JumpCloud's schema does, not as numbers.
/// </summary>
internal sealed class WireEnumSchemaFilter : ISchemaFilter
{
    public void Apply(IOpenApiSchema schema, SchemaFilterContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var type = Nullable.GetUnderlyingType(context.Type) ?? context.Type;
        if (schema is not OpenApiSchema editable || !type.IsEnum
            || type.GetCustomAttribute<JsonConverterAttribute>()?.ConverterType is not { IsGenericType: true } converter
            || converter.GetGenericTypeDefinition() != typeof(WireEnumConverter<>))
        {
            return;
        }

        editable.Type = JsonSchemaType.String;
        editable.Format = null;
        editable.Enum = type.GetFields(BindingFlags.Public | BindingFlags.Static)
            .Select(f => (JsonNode)JsonValue.Create(f.GetCustomAttribute<JsonStringEnumMemberNameAttribute>()!.Name))
            .ToList();
    }
}
