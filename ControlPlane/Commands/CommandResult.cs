namespace JumpCloudAdi.ControlPlane.Commands;

/// <summary>Why a command refused: each kind maps to one HTTP status on the REST side and to a form error in the portal.</summary>
public enum CommandErrorKind
{
    /// <summary>The input is wrong (HTTP 400).</summary>
    Invalid,

    /// <summary>The object the command is about does not exist (HTTP 404).</summary>
    NotFound,

    /// <summary>The change would break a uniqueness or state rule (HTTP 409).</summary>
    Conflict,
}

/// <summary>
/// A command's refusal: the kind, the input field it is about (null when it concerns the whole request), JumpCloud's
/// short status word (<c>invalidEmail</c>, <c>duplicateUsername</c>) and the sentence shown to the caller.
/// </summary>
public sealed record CommandError(CommandErrorKind Kind, string Message, string? Field = null, string? Status = null)
{
    public int HttpStatus => Kind switch
    {
        CommandErrorKind.Invalid => StatusCodes.Status400BadRequest,
        CommandErrorKind.NotFound => StatusCodes.Status404NotFound,
        CommandErrorKind.Conflict => StatusCodes.Status409Conflict,
        _ => throw new ArgumentOutOfRangeException(nameof(Kind), Kind, null),
    };

    public static CommandError Invalid(string field, string message, string status) => new(CommandErrorKind.Invalid, message, field, status);

    /// <summary>A value that is none of its field's spellings: <c>useCase: must be one of UNSET, ...</c>, status <c>invalidUseCase</c>.</summary>
    public static CommandError NotOneOf(string field, string allowed) =>
        Invalid(field, $"{field}: must be {allowed}", "invalid" + char.ToUpperInvariant(field[0]) + field[1..]);

    public static CommandError NotOneOf<[System.Diagnostics.CodeAnalysis.DynamicallyAccessedMembers(System.Diagnostics.CodeAnalysis.DynamicallyAccessedMemberTypes.PublicFields)] TEnum>(string field)
        where TEnum : struct, Enum => NotOneOf(field, WireNames<TEnum>.Allowed);

    public static CommandError NotFound(string what) => new(CommandErrorKind.NotFound, $"{what} not found");

    public static CommandError Conflict(string? field, string message, string status) => new(CommandErrorKind.Conflict, message, field, status);
}

/// <summary>What a command returns: the object it produced or changed, or the error that stopped it (nothing stored).</summary>
public readonly record struct CommandResult<T>
{
    private CommandResult(T? value, CommandError? error)
    {
        Value = value;
        Error = error;
    }

    public T? Value { get; }

    public CommandError? Error { get; }

    public bool Succeeded => Error is null;

    public static implicit operator CommandResult<T>(T value) => new(value, null);

    public static implicit operator CommandResult<T>(CommandError error) => new(default, error);
}
