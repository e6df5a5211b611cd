using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace JumpCloudAdi.ControlPlane.Api;

/// <summary>
/// The body of v1 <c>POST /search/*</c> as JumpCloud documents it: <c>filter</c> is <c>{"and": [...]}</c>,
/// <c>{"or": [...]}</c>, a bare array of query expressions (all must match) or one expression; an expression is an
/// object of <c>field: condition</c> pairs (all must match) or the query-string form <c>"field:$op:value"</c>. A
/// condition is a value (equality) or an object of operators: <c>$eq</c>, <c>$ne</c>, <c>$in</c>, <c>$nin</c>,
/// <c>$gt</c>, <c>$gte</c>, <c>$lt</c>, <c>$lte</c>, <c>$sw</c>, <c>$regex</c> (with <c>$options</c>, or inline
/// <c>(?i)</c>). <c>searchFilter</c> is <c>{searchTerm: string | string[], fields: string[]}</c> (a case-insensitive
/// partial match of any term in any field). <c>fields</c> is a space-separated string or an array. Matching works on
/// the JSON shape the client sees.
/// </summary>
public sealed class SystemUserSearch
{
    /// <summary>What <c>$regex</c> may take per value: generous for a real pattern, and a hard stop for a hostile one.</summary>
    public static readonly TimeSpan RegexTimeout = TimeSpan.FromMilliseconds(200);

    /// <summary>What one whole search may take evaluating its filters over every user.</summary>
    public static readonly TimeSpan SearchBudget = TimeSpan.FromSeconds(5);

    private const int MaxPatternLength = 1024;
    private const int MaxDepth = 8;
    private const int MaxExpressions = 256;
    private static readonly string[] _defaultSearchFields = ["username", "email", "firstname", "lastname"];

    private readonly Func<JsonObject, bool> _match;

    private SystemUserSearch(Func<JsonObject, bool> match, List<string> fields)
    {
        _match = match;
        Fields = fields;
    }

    /// <summary>The fields to return (empty: all).</summary>
    public IReadOnlyList<string> Fields { get; }

    /// <summary>
    /// The rows that match, or a 400 when a <c>$regex</c> ran out of time on one of them or the whole search on
    /// <see cref="SearchBudget"/> (so a pattern just under the per-value timeout cannot hold a core for every row).
    /// </summary>
    public (List<JsonObject> Matching, IResult? Error) Filter(IEnumerable<JsonObject> rows)
    {
        var started = Stopwatch.GetTimestamp();
        var matching = new List<JsonObject>();
        try
        {
            foreach (var row in rows)
            {
                if (_match(row))
                {
                    matching.Add(row);
                }

                if (Stopwatch.GetElapsedTime(started) > SearchBudget)
                {
                    return ([], JcErrors.BadRequest("filter: the search took too long to evaluate; simplify the $regex patterns", "regexTimeout"));
                }
            }

            return (matching, null);
        }
        catch (SearchException e)
        {
            return ([], JcErrors.BadRequest(e.Message, e.Status));
        }
    }

    /// <summary>Parses <paramref name="body"/> (undefined or <c>{}</c>: match everything); a problem is a 400 naming the part.</summary>
    /// <param name="known">When given, the field names a filter may test (others are a 400 naming the field).</param>
    public static (SystemUserSearch? Search, IResult? Error) Parse(JsonElement body, IReadOnlySet<string>? known = null)
    {
        if (body.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null)
        {
            return (new SystemUserSearch(_ => true, []), null);
        }

        if (body.ValueKind != JsonValueKind.Object)
        {
            return (null, JcErrors.BadRequest("body: a JSON object is required", "invalidBody"));
        }

        var parser = new Parser(known);
        try
        {
            var filter = body.TryGetProperty("filter", out var f) && f.ValueKind != JsonValueKind.Null ? parser.Expression(f, 0) : _ => true;
            var search = body.TryGetProperty("searchFilter", out var s) && s.ValueKind != JsonValueKind.Null ? SearchFilter(s) : _ => true;
            var fields = body.TryGetProperty("fields", out var fl) ? FieldList(fl) : [];
            return (new SystemUserSearch(row => filter(row) && search(row), fields), null);
        }
        catch (SearchException e)
        {
            return (null, JcErrors.BadRequest(e.Message, e.Status));
        }
    }

    /// <summary>Projects <paramref name="row"/> onto <see cref="Fields"/> (always with <c>_id</c> and <c>id</c>).</summary>
    public JsonObject Project(JsonObject row)
    {
        if (Fields.Count == 0)
        {
            return row;
        }

        var projected = new JsonObject();
        foreach (var field in Fields.Append("_id").Append("id").Distinct())
        {
            if (row.TryGetPropertyValue(field, out var value))
            {
                projected[field] = value?.DeepClone();
            }
        }

        return projected;
    }

    /// <summary>A space- or comma-separated string, or an array of strings.</summary>
    public static List<string> FieldList(JsonElement fields) => fields.ValueKind switch
    {
        JsonValueKind.Null => [],
        JsonValueKind.String => [.. fields.GetString()!.Split([' ', ','], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)],
        JsonValueKind.Array => [.. fields.EnumerateArray().Select(f => f.ValueKind == JsonValueKind.String
            ? f.GetString()!.Trim()
            : throw new SearchException("fields: must be a space-separated string or an array of strings", "invalidFields")).Where(f => f.Length > 0)],
        _ => throw new SearchException("fields: must be a space-separated string or an array of strings", "invalidFields"),
    };

    private static Func<JsonObject, bool> SearchFilter(JsonElement searchFilter)
    {
        if (searchFilter.ValueKind != JsonValueKind.Object)
        {
            throw new SearchException("searchFilter: must be an object with searchTerm and fields", "invalidSearchFilter");
        }

        List<string> terms = !searchFilter.TryGetProperty("searchTerm", out var t) || t.ValueKind == JsonValueKind.Null ? []
            : t.ValueKind == JsonValueKind.String ? [t.GetString()!]
            : t.ValueKind == JsonValueKind.Array ? [.. t.EnumerateArray().Select(x => x.ValueKind == JsonValueKind.String ? x.GetString()!
                : throw new SearchException("searchFilter.searchTerm: must be a string or an array of strings", "invalidSearchFilter"))]
            : throw new SearchException("searchFilter.searchTerm: must be a string or an array of strings", "invalidSearchFilter");
        terms.RemoveAll(string.IsNullOrEmpty);
        if (terms.Count == 0)
        {
            return _ => true;
        }

        var fields = searchFilter.TryGetProperty("fields", out var f) ? FieldList(f) : [];
        if (fields.Count == 0)
        {
            fields = [.. _defaultSearchFields];
        }

        return row => fields.Any(field => Text(Lookup(row, field)) is { } text
            && terms.Any(term => text.Contains(term, StringComparison.OrdinalIgnoreCase)));
    }

    private sealed class Parser(IReadOnlySet<string>? known)
    {
        private int _count;

        public Func<JsonObject, bool> Expression(JsonElement e, int depth)
        {
            if (depth > MaxDepth || ++_count > MaxExpressions)
            {
                throw new SearchException($"filter: at most {MaxDepth} levels and {MaxExpressions} expressions", "invalidFilter");
            }

            switch (e.ValueKind)
            {
                case JsonValueKind.Array:
                    var all = e.EnumerateArray().Select(x => Expression(x, depth + 1)).ToList();
                    return row => all.TrueForAll(m => m(row));
                case JsonValueKind.String:
                    return QueryStringExpression(e.GetString()!);
                case JsonValueKind.Object:
                    var parts = new List<Func<JsonObject, bool>>();
                    foreach (var property in e.EnumerateObject())
                    {
                        if (property.Name is "and" or "or" or "$and" or "$or")
                        {
                            if (property.Value.ValueKind != JsonValueKind.Array)
                            {
                                throw new SearchException($"filter: '{property.Name}' takes an array of query expressions", "invalidFilter");
                            }

                            var clauses = property.Value.EnumerateArray().Select(x => Expression(x, depth + 1)).ToList();
                            parts.Add(property.Name.EndsWith("and", StringComparison.Ordinal)
                                ? row => clauses.TrueForAll(m => m(row))
                                : row => clauses.Exists(m => m(row)));
                        }
                        else
                        {
                            if (known is not null && !known.Contains(property.Name))
                            {
                                var name = property.Name.Length > 64 ? property.Name[..64] + "..." : property.Name;
                                throw new SearchException($"filter: unknown field '{name}'; known fields: {string.Join(", ", known.Order(StringComparer.Ordinal))}", "invalidFilter");
                            }

                            parts.Add(Condition(property.Name, property.Value));
                        }
                    }

                    return row => parts.TrueForAll(m => m(row));
                default:
                    throw new SearchException("filter: expected {\"and\": [...]}, {\"or\": [...]}, an array of query expressions, or an object of field: value pairs", "invalidFilter");
            }
        }

        private static Func<JsonObject, bool> Condition(string field, JsonElement condition)
        {
            if (field.Length == 0 || field.StartsWith('$'))
            {
                throw new SearchException($"filter: '{field}' is not a field name", "invalidFilter");
            }

            if (condition.ValueKind != JsonValueKind.Object)
            {
                var value = Scalar(field, condition);
                return row => Equal(Lookup(row, field), value);
            }

            var options = condition.TryGetProperty("$options", out var o) && o.ValueKind == JsonValueKind.String ? o.GetString()! : "";
            var tests = new List<Func<JsonNode?, bool>>();
            foreach (var op in condition.EnumerateObject())
            {
                var name = op.Name;
                tests.Add(name switch
                {
                    "$options" => _ => true,
                    "$regex" => RegexTest(field, op.Value, options),
                    "$eq" => Eq(Scalar(field, op.Value)),
                    "$ne" => Not(Eq(Scalar(field, op.Value))),
                    "$in" => In(field, op.Value),
                    "$nin" => Not(In(field, op.Value)),
                    "$gt" => Compare(Scalar(field, op.Value), c => c > 0),
                    "$gte" => Compare(Scalar(field, op.Value), c => c >= 0),
                    "$lt" => Compare(Scalar(field, op.Value), c => c < 0),
                    "$lte" => Compare(Scalar(field, op.Value), c => c <= 0),
                    "$sw" => StartsWith(Scalar(field, op.Value)),
                    _ => throw new SearchException($"filter: {field}: operator '{name}' is not supported ($eq, $ne, $in, $nin, $gt, $gte, $lt, $lte, $sw, $regex)", "invalidFilter"),
                });
            }

            return row =>
            {
                var actual = Lookup(row, field);
                return tests.TrueForAll(t => t(actual));
            };
        }

        /// <summary><c>field:$op:value</c>, the query-string form (also without the <c>$</c>).</summary>
        private static Func<JsonObject, bool> QueryStringExpression(string text)
        {
            var parts = text.Split(':', 3);
            if (parts.Length != 3 || parts[0].Length == 0)
            {
                throw new SearchException($"filter: '{text}' is not of the form field:$operator:value", "invalidFilter");
            }

            var (field, op, value) = (parts[0], parts[1].TrimStart('$'), parts[2]);
            Func<JsonNode?, bool> test = op switch
            {
                "eq" => Eq(value),
                "ne" => Not(Eq(value)),
                "in" => n => SplitTerms(value).Any(v => Equal(n, v)),
                "nin" => n => !SplitTerms(value).Any(v => Equal(n, v)),
                "gt" => Compare(value, c => c > 0),
                "gte" or "ge" => Compare(value, c => c >= 0),
                "lt" => Compare(value, c => c < 0),
                "lte" or "le" => Compare(value, c => c <= 0),
                "sw" => StartsWith(value),
                _ => throw new SearchException($"filter: '{text}': operator '{parts[1]}' is not supported", "invalidFilter"),
            };
            return row => test(Lookup(row, field));
        }

        private static IEnumerable<string> SplitTerms(string value) =>
            Regex.Split(value, @"(?<!\\)\|", RegexOptions.None, RegexTimeout).Select(t => t.Replace("\\|", "|", StringComparison.Ordinal));

        private static Func<JsonNode?, bool> RegexTest(string field, JsonElement pattern, string options)
        {
            if (pattern.ValueKind != JsonValueKind.String)
            {
                throw new SearchException($"filter: {field}: $regex takes a string", "invalidFilter");
            }

            var text = pattern.GetString()!;
            if (text.Length > MaxPatternLength)
            {
                throw new SearchException($"filter: {field}: $regex is longer than {MaxPatternLength} characters", "invalidFilter");
            }

            var flags = RegexOptions.CultureInvariant;
            foreach (var option in options)
            {
                flags |= option switch
                {
                    'i' => RegexOptions.IgnoreCase,
                    'm' => RegexOptions.Multiline,
                    's' => RegexOptions.Singleline,
                    'x' => RegexOptions.IgnorePatternWhitespace,
                    _ => throw new SearchException($"filter: {field}: $options may hold i, m, s and x", "invalidFilter"),
                };
            }

            var regex = Compile(field, text, flags);
            return node => Text(node) is { } value && IsMatch(regex, field, value);
        }

        /// <summary>
        /// Linear-time matching (<see cref="RegexOptions.NonBacktracking"/>) whenever the pattern allows it; patterns
        /// that need backtracking (lookarounds, backreferences, atomic groups) run with <see cref="RegexTimeout"/>.
        /// </summary>
        private static Regex Compile(string field, string pattern, RegexOptions flags)
        {
            try
            {
                return new Regex(pattern, flags | RegexOptions.NonBacktracking, RegexTimeout);
            }
            catch (NotSupportedException)
            {
                // A construct NonBacktracking cannot run: the backtracking engine, bounded by the timeout.
            }
            catch (ArgumentException e)
            {
                throw new SearchException($"filter: {field}: $regex is not a valid regular expression ({e.Message})", "invalidFilter");
            }

            try
            {
                return new Regex(pattern, flags, RegexTimeout);
            }
            catch (ArgumentException e)
            {
                throw new SearchException($"filter: {field}: $regex is not a valid regular expression ({e.Message})", "invalidFilter");
            }
        }

        private static bool IsMatch(Regex regex, string field, string value)
        {
            try
            {
                return regex.IsMatch(value);
            }
            catch (RegexMatchTimeoutException)
            {
                throw new SearchException($"filter: {field}: $regex took too long to evaluate; simplify the pattern", "regexTimeout");
            }
        }

        private static Func<JsonNode?, bool> In(string field, JsonElement values)
        {
            if (values.ValueKind != JsonValueKind.Array)
            {
                throw new SearchException($"filter: {field}: $in and $nin take an array", "invalidFilter");
            }

            var list = values.EnumerateArray().Select(v => Scalar(field, v)).ToList();
            return n => list.Exists(v => Equal(n, v));
        }

        private static string? Scalar(string field, JsonElement value) => value.ValueKind switch
        {
            JsonValueKind.String => value.GetString(),
            JsonValueKind.Number => value.GetRawText(),
            JsonValueKind.True => "true",
            JsonValueKind.False => "false",
            JsonValueKind.Null => null,
            _ => throw new SearchException($"filter: {field}: expected a value or an object of operators", "invalidFilter"),
        };

        private static Func<JsonNode?, bool> Eq(string? value) => n => Equal(n, value);

        private static Func<JsonNode?, bool> Not(Func<JsonNode?, bool> test) => n => !test(n);

        private static Func<JsonNode?, bool> StartsWith(string? value) =>
            n => value is not null && Text(n) is { } text && text.StartsWith(value, StringComparison.Ordinal);

        private static Func<JsonNode?, bool> Compare(string? value, Func<int, bool> accept) => n =>
        {
            if (value is null || n is not JsonValue v)
            {
                return false;
            }

            var text = v.ToString();
            if (v.GetValueKind() == JsonValueKind.Number && decimal.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var number)
                && decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var actual))
            {
                return accept(actual.CompareTo(number));
            }

            if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var left)
                && DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var right))
            {
                return accept(left.CompareTo(right));
            }

            return accept(string.CompareOrdinal(text, value));
        };
    }

    /// <summary>Equality as JumpCloud's search does it: exact for strings, any case for booleans; null matches a missing field.</summary>
    private static bool Equal(JsonNode? actual, string? value)
    {
        if (value is null)
        {
            return actual is null;
        }

        return actual is JsonValue v && (v.GetValueKind() is JsonValueKind.True or JsonValueKind.False
            ? string.Equals(v.ToString(), value, StringComparison.OrdinalIgnoreCase)
            : string.Equals(v.ToString(), value, StringComparison.Ordinal));
    }

    private static string? Text(JsonNode? node) => node is JsonValue v ? v.ToString() : null;

    private static JsonNode? Lookup(JsonObject row, string field)
    {
        JsonNode? node = row;
        foreach (var part in field.Split('.'))
        {
            node = node is JsonObject o && o.TryGetPropertyValue(part, out var child) ? child : null;
        }

        return node;
    }

    private sealed class SearchException(string message, string status) : Exception(message)
    {
        public string Status { get; } = status;
    }
}
