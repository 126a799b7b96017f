using System.Globalization;

namespace ParameterKit.Tokenization.ChatTemplates.Jinja;

/// <summary>
/// The filters, tests and methods chat templates call, each written to Jinja2's or Python's behaviour (filters.py,
/// tests.py, str methods). Names outside these sets are refused when the template is parsed.
/// </summary>
internal static class JinjaBuiltins
{
    private static readonly HashSet<string> Filters = new(StringComparer.Ordinal)
    {
        "trim", "length", "count", "tojson", "join", "reject", "select", "rejectattr", "selectattr", "items", "string",
        "lower", "upper", "title", "capitalize", "first", "last", "default", "d", "list", "int", "float", "abs",
        "replace", "map", "safe", "unique", "reverse",
    };

    private static readonly HashSet<string> Tests = new(StringComparer.Ordinal)
    {
        "defined", "undefined", "none", "string", "number", "integer", "float", "mapping", "iterable", "sequence",
        "boolean", "true", "false", "equalto", "eq", "==", "ne", "!=", "sameas", "in", "lower", "upper", "odd", "even",
        "callable", "gt", ">", "ge", ">=", "lt", "<", "le", "<=",
    };

    public static bool IsFilter(string name) => Filters.Contains(name);

    public static bool IsTest(string name) => Tests.Contains(name);

    public static object? ApplyFilter(string name, object? value, List<object?> args, Dictionary<string, object?> keywords)
    {
        object? Arg(int i, string keyword, object? fallback) =>
            i < args.Count ? args[i] : keywords.TryGetValue(keyword, out object? v) ? v : fallback;

        switch (name)
        {
            case "trim":
                return Strip(AsString(value, name), Arg(0, "chars", null) as string, true, true);
            case "length" or "count":
                return value switch
                {
                    string s => (long)s.Length,
                    List<object?> list => (long)list.Count,
                    Dictionary<string, object?> dict => (long)dict.Count,
                    _ => throw new InvalidOperationException($"a {JinjaValues.TypeName(value)} has no length"),
                };
            case "tojson":
                object? indent = Arg(0, "indent", null);
                return JinjaValues.ToJson(value, indent is long n ? (int)n : null, JinjaValues.IsTruthy(Arg(99, "sort_keys", false)));
            case "join":
                string separator = Arg(0, "d", "") as string ?? "";
                object? attribute = Arg(1, "attribute", null);
                return string.Join(separator, Iterate(value, name).Select(v => JinjaValues.ToText(attribute is null ? v : JinjaRenderer.GetAttribute(v, JinjaValues.ToText(attribute)))));
            case "select" or "reject":
            {
                bool keep = name == "select";
                if (args.Count == 0)
                {
                    return Iterate(value, name).Where(v => JinjaValues.IsTruthy(v) == keep).ToList();
                }
                string test = args[0] as string ?? throw new InvalidOperationException($"'{name}' needs a test name");
                List<object?> testArgs = args.Skip(1).ToList();
                return Iterate(value, name).Where(v => ApplyTest(test, v, testArgs) == keep).ToList();
            }
            case "selectattr" or "rejectattr":
            {
                bool keep = name == "selectattr";
                string attr = args.Count > 0 && args[0] is string a ? a : throw new InvalidOperationException($"'{name}' needs an attribute name");
                string? test = args.Count > 1 ? args[1] as string : null;
                List<object?> testArgs = args.Skip(2).ToList();
                return Iterate(value, name).Where(v =>
                {
                    object? field = JinjaRenderer.GetAttribute(v, attr);
                    return (test is null ? JinjaValues.IsTruthy(field) : ApplyTest(test, field, testArgs)) == keep;
                }).ToList();
            }
            case "map":
                if (keywords.TryGetValue("attribute", out object? mapAttribute))
                {
                    string attr = JinjaValues.ToText(mapAttribute);
                    return Iterate(value, name).Select(v => JinjaRenderer.GetAttribute(v, attr)).ToList();
                }
                string filter = args.Count > 0 && args[0] is string f && IsFilter(f) ? f : throw new InvalidOperationException("'map' needs attribute= or a supported filter name");
                return Iterate(value, name).Select(v => ApplyFilter(filter, v, args.Skip(1).ToList(), [])).ToList();
            case "items":
                return value is Dictionary<string, object?> items
                    ? items.Select(p => (object?)new List<object?> { p.Key, p.Value }).ToList()
                    : value is Undefined ? [] : throw new InvalidOperationException($"'items' needs a dict, not a {JinjaValues.TypeName(value)}");
            case "string":
                return JinjaValues.ToText(value);
            case "lower":
                return AsString(value, name).ToLowerInvariant();
            case "upper":
                return AsString(value, name).ToUpperInvariant();
            case "title":
                return Title(AsString(value, name));
            case "capitalize":
                string c = AsString(value, name);
                return c.Length == 0 ? c : char.ToUpperInvariant(c[0]) + c[1..].ToLowerInvariant();
            case "first":
                return Iterate(value, name).FirstOrDefault(new Undefined("first"));
            case "last":
                return value is List<object?> { Count: > 0 } l ? l[^1] : value is string { Length: > 0 } ls ? ls[^1..] : new Undefined("last");
            case "default" or "d":
                bool boolean = JinjaValues.IsTruthy(Arg(1, "boolean", false));
                return value is Undefined || (boolean && !JinjaValues.IsTruthy(value)) ? Arg(0, "default_value", "") : value;
            case "list":
                return Iterate(value, name).ToList();
            case "reverse":
                return value is string rs ? new string(rs.Reverse().ToArray()) : Iterate(value, name).Reverse().ToList();
            case "unique":
                var unique = new List<object?>();
                foreach (object? item in Iterate(value, name))
                {
                    if (!unique.Any(u => JinjaValues.Equals(u, item)))
                    {
                        unique.Add(item);
                    }
                }
                return unique;
            case "int":
                return value switch
                {
                    long i => i,
                    double dv => (object)(long)Math.Truncate(dv),
                    bool bv => bv ? 1L : 0L,
                    string s when long.TryParse(s.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long parsed) => parsed,
                    _ => Arg(0, "default", 0L),
                };
            case "float":
                return value switch
                {
                    long i => (double)i,
                    double dv => dv,
                    string s when double.TryParse(s.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out double parsed) => parsed,
                    _ => Arg(0, "default", 0.0),
                };
            case "abs":
                return value switch
                {
                    long i => (object)Math.Abs(i),
                    double dv => Math.Abs(dv),
                    _ => throw new InvalidOperationException($"'abs' needs a number, not a {JinjaValues.TypeName(value)}"),
                };
            case "replace":
                string source = JinjaValues.ToText(value);
                string old = JinjaValues.ToText(Arg(0, "old", "")), replacement = JinjaValues.ToText(Arg(1, "new", ""));
                return old.Length == 0 ? source : source.Replace(old, replacement, StringComparison.Ordinal);
            case "safe":
                return value;
            default:
                throw new InvalidOperationException($"filter '{name}' is not implemented");
        }
    }

    public static bool ApplyTest(string name, object? value, List<object?> args)
    {
        object? Arg0() => args.Count > 0 ? args[0] : throw new InvalidOperationException($"test '{name}' needs an argument");
        return name switch
        {
            "defined" => value is not Undefined,
            "undefined" => value is Undefined,
            "none" => value is null,
            "string" => value is string,
            "number" => value is long or double,
            "integer" => value is long,
            "float" => value is double,
            "boolean" => value is bool,
            "true" => value is true,
            "false" => value is false,
            "mapping" => value is Dictionary<string, object?>,
            "iterable" => value is string or List<object?> or Dictionary<string, object?>,
            "sequence" => value is string or List<object?> or Dictionary<string, object?>,
            "callable" => value is JinjaCallable,
            "equalto" or "eq" or "==" => JinjaValues.Equals(value, Arg0()),
            "ne" or "!=" => !JinjaValues.Equals(value, Arg0()),
            "sameas" => value is null ? Arg0() is null : value is bool b ? Arg0() is bool o && o == b : ReferenceEquals(value, Arg0()),
            "in" => Contains(Arg0(), value),
            "lower" => value is string l && string.Equals(l, l.ToLowerInvariant(), StringComparison.Ordinal),
            "upper" => value is string u && string.Equals(u, u.ToUpperInvariant(), StringComparison.Ordinal),
            "odd" => value is long odd && odd % 2 != 0,
            "even" => value is long even && even % 2 == 0,
            "gt" or ">" => JinjaValues.Compare(value, Arg0()) > 0,
            "ge" or ">=" => JinjaValues.Compare(value, Arg0()) >= 0,
            "lt" or "<" => JinjaValues.Compare(value, Arg0()) < 0,
            "le" or "<=" => JinjaValues.Compare(value, Arg0()) <= 0,
            _ => throw new InvalidOperationException($"test '{name}' is not implemented"),
        };
    }

    /// <summary>Python's <c>needle in haystack</c>.</summary>
    public static bool Contains(object? haystack, object? needle) => haystack switch
    {
        string s => needle is string n ? s.Contains(n, StringComparison.Ordinal) : throw new InvalidOperationException($"'in <string>' needs a string, not a {JinjaValues.TypeName(needle)}"),
        List<object?> list => list.Any(v => JinjaValues.Equals(v, needle)),
        Dictionary<string, object?> dict => needle is string key && dict.ContainsKey(key),
        Undefined => throw new InvalidOperationException("'in' on an undefined value"),
        _ => throw new InvalidOperationException($"a {JinjaValues.TypeName(haystack)} is not a container"),
    };

    /// <summary>A method of a string or dict, bound to it (<c>content.strip</c>, <c>message.get</c>), or null when there is none.</summary>
    public static JinjaCallable? Method(object? target, string name)
    {
        switch (target)
        {
            case string s:
                return name switch
                {
                    "strip" => new(name, (a, _) => Strip(s, OptionalString(a, 0), true, true)),
                    "lstrip" => new(name, (a, _) => Strip(s, OptionalString(a, 0), true, false)),
                    "rstrip" => new(name, (a, _) => Strip(s, OptionalString(a, 0), false, true)),
                    "startswith" => new(name, (a, _) => s.StartsWith(RequiredString(a, 0, name), StringComparison.Ordinal)),
                    "endswith" => new(name, (a, _) => s.EndsWith(RequiredString(a, 0, name), StringComparison.Ordinal)),
                    "upper" => new(name, (_, _) => s.ToUpperInvariant()),
                    "lower" => new(name, (_, _) => s.ToLowerInvariant()),
                    "title" => new(name, (_, _) => Title(s)),
                    "capitalize" => new(name, (_, _) => s.Length == 0 ? s : char.ToUpperInvariant(s[0]) + s[1..].ToLowerInvariant()),
                    "replace" => new(name, (a, _) => RequiredString(a, 0, name).Length == 0 ? s : s.Replace(RequiredString(a, 0, name), RequiredString(a, 1, name), StringComparison.Ordinal)),
                    "split" => new(name, (a, _) => Split(s, OptionalString(a, 0), a.Count > 1 && a[1] is long max ? (int)max : -1)),
                    "find" => new(name, (a, _) => (long)s.IndexOf(RequiredString(a, 0, name), StringComparison.Ordinal)),
                    "count" => new(name, (a, _) => (long)CountOccurrences(s, RequiredString(a, 0, name))),
                    _ => null,
                };
            case Dictionary<string, object?> dict:
                return name switch
                {
                    "items" => new(name, (_, _) => dict.Select(p => (object?)new List<object?> { p.Key, p.Value }).ToList()),
                    "keys" => new(name, (_, _) => dict.Keys.Select(k => (object?)k).ToList()),
                    "values" => new(name, (_, _) => dict.Values.ToList()),
                    "get" => new(name, (a, _) => a.Count > 0 && a[0] is string key && dict.TryGetValue(key, out object? v) ? v : a.Count > 1 ? a[1] : null),
                    _ => null,
                };
            default:
                return null;
        }
    }

    public static IEnumerable<object?> Iterate(object? value, string context) => value switch
    {
        List<object?> list => list,
        Dictionary<string, object?> dict => dict.Keys.Select(k => (object?)k),
        string s => s.Select(c => (object?)c.ToString()),
        _ => throw new InvalidOperationException($"{context}: a {JinjaValues.TypeName(value)} is not iterable"),
    };

    /// <summary>Python's <c>str.strip</c>: whitespace, or the characters given.</summary>
    public static string Strip(string s, string? chars, bool start, bool end)
    {
        if (chars is null)
        {
            return start && end ? s.Trim() : start ? s.TrimStart() : s.TrimEnd();
        }
        char[] set = chars.ToCharArray();
        return start && end ? s.Trim(set) : start ? s.TrimStart(set) : s.TrimEnd(set);
    }

    private static List<object?> Split(string s, string? separator, int maxSplit)
    {
        if (separator is null)
        {
            // Python's split() with no separator: runs of whitespace, no empty pieces.
            return s.Split((char[]?)null, maxSplit < 0 ? int.MaxValue : maxSplit + 1, StringSplitOptions.RemoveEmptyEntries)
                .Select(p => (object?)p).ToList();
        }
        if (separator.Length == 0)
        {
            throw new InvalidOperationException("split: empty separator");
        }
        return s.Split(separator, maxSplit < 0 ? int.MaxValue : maxSplit + 1, StringSplitOptions.None).Select(p => (object?)p).ToList();
    }

    private static int CountOccurrences(string s, string part)
    {
        if (part.Length == 0)
        {
            return s.Length + 1;
        }
        int count = 0;
        for (int i = s.IndexOf(part, StringComparison.Ordinal); i >= 0; i = s.IndexOf(part, i + part.Length, StringComparison.Ordinal))
        {
            count++;
        }
        return count;
    }

    private static string Title(string s)
    {
        var chars = s.ToCharArray();
        bool previousIsLetter = false;
        for (int i = 0; i < chars.Length; i++)
        {
            chars[i] = previousIsLetter ? char.ToLowerInvariant(chars[i]) : char.ToUpperInvariant(chars[i]);
            previousIsLetter = char.IsLetter(chars[i]);
        }
        return new string(chars);
    }

    private static string AsString(object? value, string filter) =>
        value as string ?? (value is Undefined ? "" : JinjaValues.ToText(value));

    private static string? OptionalString(List<object?> args, int i) => i < args.Count ? args[i] as string : null;

    private static string RequiredString(List<object?> args, int i, string method) =>
        i < args.Count && args[i] is string s ? s : throw new InvalidOperationException($"'{method}' needs a string argument");
}
