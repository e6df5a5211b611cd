using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace JumpCloudAdi.ControlPlane.Api;

/// <summary>
/// JumpCloud's list conventions applied to response objects: <c>filter</c> (<c>field:op:value</c>, ops eq, ne, gt, ge,
/// lt, le, search, in; several filters are ANDed), <c>sort</c> (fields, <c>-</c> for descending), <c>skip</c>/<c>limit</c>
/// and <c>fields</c> (projection). Works on the JSON shape the client sees, so field names are the API's own: only
/// the fields of the listed type (<c>T</c> in <see cref="Parse{T}"/>, nested ones as <c>a.b</c>) are accepted, and at
/// most <see cref="MaxFilters"/> filters, <see cref="MaxSortFields"/> sort fields and <see cref="MaxProjectedFields"/>
/// projected fields (each costs work per row), 400 otherwise.
/// </summary>
public sealed class ListQuery
{
    public const int MaxFilters = 10;
    public const int MaxSortFields = 5;
    public const int MaxProjectedFields = 32;

    private static readonly JsonSerializerOptions _json = new(JsonSerializerDefaults.Web) { TypeInfoResolver = new System.Text.Json.Serialization.Metadata.DefaultJsonTypeInfoResolver() };
    private static readonly string[] _operators = ["eq", "ne", "gt", "ge", "lt", "le", "search", "in"];
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<Type, HashSet<string>> _knownFields = new();

    private HashSet<string> _known = [];

    private readonly List<(string Field, string Op, string Value)> _filters = [];
    private readonly List<(string Field, bool Descending)> _sort = [];
    private readonly List<string> _fields = [];

    private ListQuery(int limit, int skip)
    {
        Limit = limit;
        Skip = skip;
    }

    public int Limit { get; }
    public int Skip { get; }

    /// <summary>
    /// True when only paging and projection were asked for: the store can count and cut the page itself (the call
    /// scripts make most, paging through every object) instead of loading every row.
    /// </summary>
    public bool PagesOnly => _filters.Count == 0 && _sort.Count == 0;

    /// <summary>
    /// Parses the query string for a list of <typeparamref name="T"/> (the JSON shape the client receives);
    /// <paramref name="v1"/> separates sort and fields by spaces, v2 by commas; <paramref name="maxLimit"/> is the
    /// largest <c>limit</c> the endpoint takes.
    /// </summary>
    public static (ListQuery? Query, IResult? Error) Parse<T>(HttpRequest request, bool v1 = false, int maxLimit = Paging.MaxLimit)
    {
        ArgumentNullException.ThrowIfNull(request);
        var known = _knownFields.GetOrAdd(typeof(T), t => FieldsOf(_json.GetTypeInfo(t), "", depth: 0));
        var (query, error) = Parse(request, v1, known, maxLimit);
        if (query is null)
        {
            return (null, error);
        }

        if (query._filters.Count > MaxFilters)
        {
            return (null, JcErrors.BadRequest($"filter: at most {MaxFilters} filters", "invalidFilter"));
        }

        if (query._sort.Count > MaxSortFields)
        {
            return (null, JcErrors.BadRequest($"sort: at most {MaxSortFields} fields", "invalidSort"));
        }

        if (query._fields.Count > MaxProjectedFields)
        {
            return (null, JcErrors.BadRequest($"fields: at most {MaxProjectedFields} fields", "invalidFields"));
        }

        foreach (var (parameter, field, status) in query._filters.Select(f => ("filter", f.Field, "invalidFilter"))
                     .Concat(query._sort.Select(f => ("sort", f.Field, "invalidSort")))
                     .Concat(query._fields.Select(f => ("fields", f, "invalidFields"))))
        {
            if (query.UnknownField(field) is { } unknown)
            {
                return (null, JcErrors.BadRequest($"{parameter}: {unknown}", status));
            }
        }

        return (query, null);
    }

    /// <summary>The field names a list or search of <typeparamref name="T"/> may filter, sort or project on.</summary>
    public static IReadOnlySet<string> KnownFields<T>() => _knownFields.GetOrAdd(typeof(T), t => FieldsOf(_json.GetTypeInfo(t), "", depth: 0));

    private string? UnknownField(string field) =>
        _known.Contains(field) ? null
        : $"unknown field '{(field.Length > 64 ? field[..64] + "..." : field)}'; known fields: {string.Join(", ", _known.Order(StringComparer.Ordinal))}";

    /// <summary>The JSON property names of <paramref name="type"/>, with those of nested objects as <c>a.b</c>.</summary>
    private static HashSet<string> FieldsOf(System.Text.Json.Serialization.Metadata.JsonTypeInfo type, string prefix, int depth)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var property in type.Properties)
        {
            var name = prefix + property.Name;
            names.Add(name);
            var nested = _json.GetTypeInfo(property.PropertyType);
            if (depth < 2 && nested.Kind == System.Text.Json.Serialization.Metadata.JsonTypeInfoKind.Object)
            {
                names.UnionWith(FieldsOf(nested, name + ".", depth + 1));
            }
        }

        return names;
    }

    private static (ListQuery? Query, IResult? Error) Parse(HttpRequest request, bool v1, HashSet<string> known, int maxLimit)
    {
        var q = request.Query;
        int? limit = null, skip = null;
        if (q.TryGetValue("limit", out var l) && !string.IsNullOrEmpty(l))
        {
            if (!int.TryParse(l, NumberStyles.None, CultureInfo.InvariantCulture, out var v))
            {
                return (null, JcErrors.BadRequest("limit: must be a whole number", "invalidLimit"));
            }

            limit = v;
        }

        if (q.TryGetValue("skip", out var s) && !string.IsNullOrEmpty(s))
        {
            if (!int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var v))
            {
                return (null, JcErrors.BadRequest("skip: must be a whole number", "invalidSkip"));
            }

            skip = v;
        }

        var page = Paging.From(limit, skip, maxLimit);
        if (page.Error is not null)
        {
            return (null, page.Error);
        }

        var query = new ListQuery(page.Limit, page.Skip) { _known = known };
        var separators = v1 ? new[] { ' ', ',' } : [','];
        foreach (var filter in q["filter"].SelectMany(f => (f ?? "").Split(v1 ? ['\n'] : [',', '\n'], StringSplitOptions.RemoveEmptyEntries)))
        {
            var parts = filter.Split(':', 3);
            if (parts.Length != 3 || parts[0].Length == 0 || !_operators.Contains(parts[1]))
            {
                return (null, JcErrors.BadRequest($"filter: '{filter}' is not of the form field:operator:value with operator one of {string.Join(", ", _operators)}", "invalidFilter"));
            }

            query._filters.Add((parts[0], parts[1], parts[2]));
            if (query._filters.Count > MaxFilters)
            {
                break;
            }
        }

        foreach (var field in q["sort"].SelectMany(f => (f ?? "").Split(separators, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)))
        {
            query._sort.Add(field.StartsWith('-') ? (field[1..], true) : (field, false));
            if (query._sort.Count > MaxSortFields)
            {
                break;
            }
        }

        query._fields.AddRange(q["fields"].SelectMany(f => (f ?? "").Split(separators, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            .Take(MaxProjectedFields + 1));
        return (query, null);
    }

    /// <summary>The same query with another page (a search body's <c>limit</c> and <c>skip</c> win over the query string's).</summary>
    public ListQuery WithPage(int limit, int skip)
    {
        var copy = new ListQuery(limit, skip) { _known = _known };
        copy._filters.AddRange(_filters);
        copy._sort.AddRange(_sort);
        copy._fields.AddRange(_fields);
        return copy;
    }

    /// <summary>
    /// Adds filters from a v1 search body (<c>{"filter": {"and": [{"field": "value"}]}}</c> or a flat object); a 400
    /// when a field is unknown or there would be more than <see cref="MaxFilters"/> filters (nothing is added then).
    /// </summary>
    public IResult? AddEqualityFilters(IReadOnlyCollection<KeyValuePair<string, string>> equalities)
    {
        ArgumentNullException.ThrowIfNull(equalities);
        if (_filters.Count + equalities.Count > MaxFilters)
        {
            return JcErrors.BadRequest($"filter: at most {MaxFilters} filters", "invalidFilter");
        }

        if (equalities.Select(e => UnknownField(e.Key)).FirstOrDefault(u => u is not null) is { } unknown)
        {
            return JcErrors.BadRequest($"filter: {unknown}", "invalidFilter");
        }

        foreach (var (field, value) in equalities)
        {
            _filters.Add((field, "eq", value));
        }

        return null;
    }

    /// <summary>Filters, sorts, counts, pages and projects; returns the page and the total after filtering.</summary>
    public (List<JsonObject> Page, int Total) Apply<T>(IEnumerable<T> items)
    {
        var rows = items.Select(i => JsonSerializer.SerializeToNode(i, _json)!.AsObject()).Where(Matches).ToList();
        if (_sort.Count > 0)
        {
            rows.Sort(Compare);
        }

        var page = rows.Skip(Skip).Take(Limit).Select(Project).ToList();
        return (page, rows.Count);
    }

    /// <summary>Projects a page the store already cut with <see cref="Skip"/> and <see cref="Limit"/> (see <see cref="PagesOnly"/>).</summary>
    public List<JsonObject> ProjectPage<T>(IEnumerable<T> page) =>
        [.. page.Select(i => Project(JsonSerializer.SerializeToNode(i, _json)!.AsObject()))];

    private bool Matches(JsonObject row)
    {
        foreach (var (field, op, value) in _filters)
        {
            var actual = Lookup(row, field);
            var text = actual is JsonValue v ? v.ToString() : actual?.ToJsonString() ?? "";
            var cmp = CompareValues(actual, value);
            var ok = op switch
            {
                "eq" => Equal(actual, text, value),
                "ne" => !Equal(actual, text, value),
                "gt" => cmp > 0,
                "ge" => cmp >= 0,
                "lt" => cmp < 0,
                "le" => cmp <= 0,
                "search" => text.Contains(value, StringComparison.OrdinalIgnoreCase),
                "in" => value.Split('|').Any(candidate => Equal(actual, text, candidate)),
                _ => false,
            };
            if (!ok)
            {
                return false;
            }
        }

        return true;
    }

    private static bool Equal(JsonNode? actual, string text, string value) =>
        actual is JsonValue v && v.GetValueKind() is JsonValueKind.True or JsonValueKind.False
            ? string.Equals(text, value, StringComparison.OrdinalIgnoreCase)
            : string.Equals(text, value, StringComparison.Ordinal);

    private static int CompareValues(JsonNode? actual, string value)
    {
        if (actual is JsonValue v && v.GetValueKind() == JsonValueKind.Number
            && decimal.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var number))
        {
            return v.GetValue<decimal>().CompareTo(number);
        }

        return string.CompareOrdinal(actual is JsonValue s ? s.ToString() : actual?.ToJsonString(), value);
    }

    private int Compare(JsonObject a, JsonObject b)
    {
        foreach (var (field, descending) in _sort)
        {
            var x = Lookup(a, field);
            var y = Lookup(b, field);
            var result = x is JsonValue xv && y is JsonValue yv && xv.GetValueKind() == JsonValueKind.Number && yv.GetValueKind() == JsonValueKind.Number
                ? xv.GetValue<decimal>().CompareTo(yv.GetValue<decimal>())
                : string.Compare(x?.ToString(), y?.ToString(), StringComparison.OrdinalIgnoreCase);
            if (result != 0)
            {
                return descending ? -result : result;
            }
        }

        return 0;
    }

    private JsonObject Project(JsonObject row)
    {
        if (_fields.Count == 0)
        {
            return row;
        }

        var projected = new JsonObject();
        foreach (var field in _fields.Append("id").Append("_id").Distinct())
        {
            if (row.TryGetPropertyValue(field, out var value))
            {
                projected[field] = value?.DeepClone();
            }
        }

        return projected;
    }

    private static JsonNode? Lookup(JsonObject row, string field)
    {
        JsonNode? node = row;
        foreach (var part in field.Split('.'))
        {
            node = node is JsonObject o && o.TryGetPropertyValue(part, out var child) ? child : null;
        }

        return node;
    }
}
