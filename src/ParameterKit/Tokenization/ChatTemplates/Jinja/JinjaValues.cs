using System.Globalization;
using System.Text;

namespace ParameterKit.Tokenization.ChatTemplates.Jinja;

/// <summary>Jinja's undefined value: prints as nothing, is falsy, and fails when used as a list or a dict.</summary>
internal sealed class Undefined
{
    public Undefined(string name) => Name = name;

    public string Name { get; }
}

/// <summary>A <c>namespace(...)</c>: the one mutable object templates have, so a loop can set a value seen after it.</summary>
internal sealed class JinjaNamespace
{
    public Dictionary<string, object?> Attributes { get; } = new(StringComparer.Ordinal);
}

/// <summary>A function or bound method a template can call.</summary>
internal sealed class JinjaCallable(string name, Func<List<object?>, Dictionary<string, object?>, object?> invoke)
{
    public string Name => name;

    public object? Invoke(List<object?> arguments, Dictionary<string, object?> keywords) => invoke(arguments, keywords);
}

/// <summary>
/// The value model, following Python as Jinja2 does: <see langword="null"/> is None, integers are <see cref="long"/>,
/// floats <see cref="double"/>, lists <see cref="List{T}"/> of values, dicts <see cref="Dictionary{TKey,TValue}"/>
/// keyed by string (insertion-ordered, as Python's). Printing uses Python's <c>str</c>.
/// </summary>
internal static class JinjaValues
{
    public static bool IsTruthy(object? value) => value switch
    {
        null or Undefined => false,
        bool b => b,
        long l => l != 0,
        double d => d != 0,
        string s => s.Length > 0,
        List<object?> list => list.Count > 0,
        Dictionary<string, object?> dict => dict.Count > 0,
        _ => true,
    };

    public static string TypeName(object? value) => value switch
    {
        null => "NoneType",
        Undefined => "Undefined",
        bool => "bool",
        long => "int",
        double => "float",
        string => "str",
        List<object?> => "list",
        Dictionary<string, object?> => "dict",
        JinjaNamespace => "Namespace",
        JinjaCallable => "function",
        _ => value.GetType().Name,
    };

    /// <summary>Python's <c>str(value)</c>, which is what <c>{{ value }}</c> prints (an undefined prints as nothing).</summary>
    public static string ToText(object? value) => value switch
    {
        string s => s,
        Undefined => "",
        _ => Repr(value),
    };

    /// <summary>Python's <c>repr(value)</c>, used inside printed lists and dicts.</summary>
    public static string Repr(object? value)
    {
        switch (value)
        {
            case null:
                return "None";
            case Undefined:
                return "";
            case bool b:
                return b ? "True" : "False";
            case long l:
                return l.ToString(CultureInfo.InvariantCulture);
            case double d:
                return FloatText(d);
            case string s:
                return PythonStringRepr(s);
            case List<object?> list:
                return "[" + string.Join(", ", list.Select(Repr)) + "]";
            case Dictionary<string, object?> dict:
                return "{" + string.Join(", ", dict.Select(p => PythonStringRepr(p.Key) + ": " + Repr(p.Value))) + "}";
            case JinjaNamespace ns:
                return "<Namespace " + string.Join(", ", ns.Attributes.Select(p => p.Key + "=" + Repr(p.Value))) + ">";
            default:
                return value.ToString() ?? "";
        }
    }

    /// <summary>Python's float repr: shortest round-trip digits, always with a decimal point or exponent.</summary>
    public static string FloatText(double d)
    {
        if (double.IsNaN(d))
        {
            return "nan";
        }
        if (double.IsInfinity(d))
        {
            return d > 0 ? "inf" : "-inf";
        }
        string text = d.ToString("R", CultureInfo.InvariantCulture);
        if (text.Contains('E', StringComparison.Ordinal))
        {
            // .NET writes 1E+16; Python writes 1e+16.
            text = text.Replace("E", "e", StringComparison.Ordinal);
            int e = text.IndexOf('e', StringComparison.Ordinal);
            string mantissa = text[..e], exponent = text[(e + 1)..];
            if (exponent[0] != '-' && exponent[0] != '+')
            {
                exponent = "+" + exponent;
            }
            if (exponent.Length == 2)
            {
                exponent = exponent[0] + "0" + exponent[1];
            }
            return mantissa + "e" + exponent;
        }
        return text.Contains('.', StringComparison.Ordinal) ? text : text + ".0";
    }

    private static string PythonStringRepr(string s)
    {
        char quote = s.Contains('\'', StringComparison.Ordinal) && !s.Contains('"', StringComparison.Ordinal) ? '"' : '\'';
        var text = new StringBuilder().Append(quote);
        foreach (char c in s)
        {
            switch (c)
            {
                case '\\': text.Append("\\\\"); break;
                case '\n': text.Append("\\n"); break;
                case '\r': text.Append("\\r"); break;
                case '\t': text.Append("\\t"); break;
                default:
                    if (c == quote)
                    {
                        text.Append('\\').Append(c);
                    }
                    else if (c < 0x20 || c == 0x7f)
                    {
                        text.Append("\\x").Append(((int)c).ToString("x2", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        text.Append(c);
                    }
                    break;
            }
        }
        return text.Append(quote).ToString();
    }

    public static new bool Equals(object? a, object? b)
    {
        switch (a, b)
        {
            case (null, null):
                return true;
            case (Undefined, Undefined):
                return true;
            case (bool x, bool y):
                return x == y;
            case (long or double or bool, long or double or bool):
                return ToDouble(a) == ToDouble(b);
            case (string x, string y):
                return string.Equals(x, y, StringComparison.Ordinal);
            case (List<object?> x, List<object?> y):
                return x.Count == y.Count && x.Zip(y).All(p => Equals(p.First, p.Second));
            case (Dictionary<string, object?> x, Dictionary<string, object?> y):
                return x.Count == y.Count && x.All(p => y.TryGetValue(p.Key, out object? v) && Equals(p.Value, v));
            default:
                return ReferenceEquals(a, b);
        }
    }

    public static bool IsNumber(object? value) => value is long or double or bool;

    public static double ToDouble(object? value) => value switch
    {
        long l => l,
        double d => d,
        bool b => b ? 1 : 0,
        _ => throw new InvalidOperationException($"a {TypeName(value)} is not a number"),
    };

    /// <summary>Python's ordering for numbers and strings; anything else cannot be ordered.</summary>
    public static int Compare(object? a, object? b) => (a, b) switch
    {
        (string x, string y) => string.CompareOrdinal(x, y),
        _ when IsNumber(a) && IsNumber(b) => ToDouble(a).CompareTo(ToDouble(b)),
        _ => throw new InvalidOperationException($"'<' is not supported between a {TypeName(a)} and a {TypeName(b)}"),
    };

    /// <summary>
    /// <c>json.dumps(value, ensure_ascii=False, indent=indent)</c>, which transformers' <c>tojson</c> filter calls:
    /// ", " and ": " separators inline, "," and ": " with an indent, non-ASCII written as is.
    /// </summary>
    public static string ToJson(object? value, int? indent, bool sortKeys = false)
    {
        var text = new StringBuilder();
        WriteJson(text, value, indent, 0, sortKeys);
        return text.ToString();
    }

    private static void WriteJson(StringBuilder text, object? value, int? indent, int level, bool sortKeys)
    {
        switch (value)
        {
            case null or Undefined:
                text.Append("null");
                break;
            case bool b:
                text.Append(b ? "true" : "false");
                break;
            case long l:
                text.Append(l.ToString(CultureInfo.InvariantCulture));
                break;
            case double d:
                text.Append(double.IsNaN(d) ? "NaN" : double.IsInfinity(d) ? (d > 0 ? "Infinity" : "-Infinity") : FloatText(d));
                break;
            case string s:
                WriteJsonString(text, s);
                break;
            case List<object?> list:
                WriteJsonContainer(text, '[', ']', list.Count, indent, level, i => WriteJson(text, list[i], indent, level + 1, sortKeys));
                break;
            case Dictionary<string, object?> dict:
                var entries = sortKeys ? dict.OrderBy(p => p.Key, StringComparer.Ordinal).ToList() : dict.ToList();
                WriteJsonContainer(text, '{', '}', entries.Count, indent, level, i =>
                {
                    WriteJsonString(text, entries[i].Key);
                    text.Append(": ");
                    WriteJson(text, entries[i].Value, indent, level + 1, sortKeys);
                });
                break;
            default:
                throw new InvalidOperationException($"a {TypeName(value)} is not JSON serializable");
        }
    }

    private static void WriteJsonContainer(StringBuilder text, char open, char close, int count, int? indent, int level, Action<int> writeItem)
    {
        text.Append(open);
        if (count == 0)
        {
            text.Append(close);
            return;
        }
        for (int i = 0; i < count; i++)
        {
            if (i > 0)
            {
                text.Append(indent is null ? ", " : ",");
            }
            if (indent is int n)
            {
                text.Append('\n').Append(' ', n * (level + 1));
            }
            writeItem(i);
        }
        if (indent is int m)
        {
            text.Append('\n').Append(' ', m * level);
        }
        text.Append(close);
    }

    private static void WriteJsonString(StringBuilder text, string s)
    {
        text.Append('"');
        foreach (char c in s)
        {
            switch (c)
            {
                case '"': text.Append("\\\""); break;
                case '\\': text.Append("\\\\"); break;
                case '\n': text.Append("\\n"); break;
                case '\r': text.Append("\\r"); break;
                case '\t': text.Append("\\t"); break;
                case '\b': text.Append("\\b"); break;
                case '\f': text.Append("\\f"); break;
                default:
                    if (c < 0x20)
                    {
                        text.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        text.Append(c);
                    }
                    break;
            }
        }
        text.Append('"');
    }
}
