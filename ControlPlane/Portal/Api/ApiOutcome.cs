using System.Text.Json;

namespace JumpCloudAdi.ControlPlane.Portal.Api;

/// <summary>What a JumpCloud API handler answered: its status and JSON body (<c>{code, message, status}</c> on failure).</summary>
public sealed record ApiOutcome(int Status, JsonElement Body)
{
    public bool Succeeded => Status is >= 200 and < 300;

    /// <summary>The error sentence, e.g. <c>domain: must be a DN such as DC=example;DC=com</c>.</summary>
    public string Message =>
        Body.ValueKind == JsonValueKind.Object && Body.TryGetProperty("message", out var m) && m.GetString() is { Length: > 0 } text
            ? text
            : $"The request failed with status {Status}.";

    /// <summary>
    /// The API's messages start with the field they are about (<c>email: ...</c>); this splits them so a form shows the
    /// message beside that field. Null field when the message names no single known field.
    /// </summary>
    public (string? Field, string Text) FieldError(params string[] fields)
    {
        var message = Message;
        var colon = message.IndexOf(": ", StringComparison.Ordinal);
        if (colon > 0)
        {
            var field = message[..colon];
            var known = fields.FirstOrDefault(f => string.Equals(f, field, StringComparison.OrdinalIgnoreCase));
            if (known is not null)
            {
                var text = message[(colon + 2)..];
                return (known, text.Length > 0 ? char.ToUpperInvariant(text[0]) + text[1..] : text);
            }
        }

        return (null, message);
    }

    public string? GetString(string property) =>
        Body.ValueKind == JsonValueKind.Object && Body.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;
}
