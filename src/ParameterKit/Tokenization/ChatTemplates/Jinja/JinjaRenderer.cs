using System.Globalization;
using System.Text;

namespace ParameterKit.Tokenization.ChatTemplates.Jinja;

/// <summary>
/// Renders parsed statements with Jinja2's semantics as transformers uses them: a <c>for</c> loop has its own scope
/// (a <c>set</c> inside it is not seen after it, which is why templates use <c>namespace</c>), <c>if</c> does not;
/// undefined names print as nothing and are falsy; dict keys are read with <c>.key</c> or <c>['key']</c>. Output and
/// loop work are bounded so a hostile template fails with a <see cref="ChatTemplateException"/> instead of running away.
/// </summary>
internal sealed class JinjaRenderer
{
    /// <summary>Largest rendered prompt, in characters: far beyond any context window.</summary>
    public const int MaxOutputLength = 16 * 1024 * 1024;

    /// <summary>Most loop iterations in one render (all loops together).</summary>
    private const long MaxIterations = 1_000_000;

    private readonly string _name;
    private readonly List<Dictionary<string, object?>> _scopes = [];
    private readonly StringBuilder _output = new();
    private long _iterations;
    private int _line;

    public JinjaRenderer(string name, Dictionary<string, object?> globals)
    {
        _name = name;
        _scopes.Add(globals);
    }

    public string Render(IReadOnlyList<Statement> body)
    {
        try
        {
            Execute(body);
        }
        catch (InvalidOperationException e)
        {
            throw new ChatTemplateException(_name, _line, null, e.Message, e);
        }
        catch (ArgumentException e)
        {
            throw new ChatTemplateException(_name, _line, null, e.Message, e);
        }
        return _output.ToString();
    }

    private void Execute(IReadOnlyList<Statement> body)
    {
        foreach (Statement statement in body)
        {
            _line = statement.Line;
            switch (statement)
            {
                case TextStatement text:
                    Write(text.Text);
                    break;
                case PrintStatement print:
                    Write(JinjaValues.ToText(Evaluate(print.Value)));
                    break;
                case IfStatement branch:
                    ExecuteIf(branch);
                    break;
                case ForStatement loop:
                    ExecuteFor(loop);
                    break;
                case SetStatement set:
                    ExecuteSet(set);
                    break;
                default:
                    throw new InvalidOperationException($"statement {statement.GetType().Name} is not implemented");
            }
        }
    }

    private void Write(string text)
    {
        if (_output.Length + text.Length > MaxOutputLength)
        {
            throw new ChatTemplateException(_name, _line, null, $"the rendered prompt exceeds {MaxOutputLength} characters");
        }
        _output.Append(text);
    }

    private void ExecuteIf(IfStatement statement)
    {
        foreach ((Expression condition, IReadOnlyList<Statement> body) in statement.Branches)
        {
            if (JinjaValues.IsTruthy(Evaluate(condition)))
            {
                Execute(body);
                return;
            }
        }
        Execute(statement.Else);
    }

    private void ExecuteFor(ForStatement statement)
    {
        object? iterable = Evaluate(statement.Iterable);
        if (iterable is Undefined)
        {
            iterable = new List<object?>();
        }
        List<object?> items = JinjaBuiltins.Iterate(iterable, "for").ToList();
        var scope = new Dictionary<string, object?>(StringComparer.Ordinal);
        _scopes.Add(scope);
        try
        {
            if (statement.Filter is not null)
            {
                // "for x in xs if cond": the filter sees each item bound, and loop.* counts only the kept ones.
                items = items.Where(item =>
                {
                    Bind(statement.Targets, item, scope);
                    return JinjaValues.IsTruthy(Evaluate(statement.Filter));
                }).ToList();
            }
            for (int i = 0; i < items.Count; i++)
            {
                if (++_iterations > MaxIterations)
                {
                    throw new ChatTemplateException(_name, statement.Line, null, $"loops ran more than {MaxIterations} iterations");
                }
                Bind(statement.Targets, items[i], scope);
                scope["loop"] = LoopVariable(items, i);
                Execute(statement.Body);
            }
        }
        finally
        {
            _scopes.RemoveAt(_scopes.Count - 1);
        }
        if (items.Count == 0)
        {
            Execute(statement.Else);
        }
    }

    private static Dictionary<string, object?> LoopVariable(List<object?> items, int i)
    {
        int n = items.Count;
        return new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["index"] = (long)(i + 1),
            ["index0"] = (long)i,
            ["revindex"] = (long)(n - i),
            ["revindex0"] = (long)(n - i - 1),
            ["first"] = i == 0,
            ["last"] = i == n - 1,
            ["length"] = (long)n,
            ["previtem"] = i > 0 ? items[i - 1] : new Undefined("loop.previtem"),
            ["nextitem"] = i < n - 1 ? items[i + 1] : new Undefined("loop.nextitem"),
        };
    }

    private static void Bind(IReadOnlyList<string> targets, object? item, Dictionary<string, object?> scope)
    {
        if (targets.Count == 1)
        {
            scope[targets[0]] = item;
            return;
        }
        if (item is not List<object?> tuple || tuple.Count != targets.Count)
        {
            throw new InvalidOperationException($"cannot unpack a {JinjaValues.TypeName(item)} into {targets.Count} names ({string.Join(", ", targets)})");
        }
        for (int i = 0; i < targets.Count; i++)
        {
            scope[targets[i]] = tuple[i];
        }
    }

    private void ExecuteSet(SetStatement statement)
    {
        object? value = Evaluate(statement.Value);
        if (statement.Attribute is string attribute)
        {
            object? target = Lookup(statement.Targets[0]);
            if (target is not JinjaNamespace ns)
            {
                throw new InvalidOperationException($"cannot set '{statement.Targets[0]}.{attribute}': only a namespace() has settable attributes");
            }
            ns.Attributes[attribute] = value;
            return;
        }
        Bind(statement.Targets, value, _scopes[^1]);
    }

    private object? Lookup(string name)
    {
        for (int i = _scopes.Count - 1; i >= 0; i--)
        {
            if (_scopes[i].TryGetValue(name, out object? value))
            {
                return value;
            }
        }
        return new Undefined(name);
    }

    private object? Evaluate(Expression expression)
    {
        switch (expression)
        {
            case Literal literal:
                return literal.Value;
            case Name name:
                return Lookup(name.Identifier);
            case ListExpression list:
                return list.Items.Select(Evaluate).ToList();
            case DictExpression dict:
                var result = new Dictionary<string, object?>(StringComparer.Ordinal);
                foreach ((Expression key, Expression value) in dict.Items)
                {
                    result[Evaluate(key) as string ?? throw new InvalidOperationException("dict literal keys must be strings")] = Evaluate(value);
                }
                return result;
            case GetAttribute attribute:
                return GetAttribute(Evaluate(attribute.Target), attribute.Attribute);
            case GetItem item:
                return GetItem(Evaluate(item.Target), Evaluate(item.Index));
            case Slice slice:
                return SliceOf(Evaluate(slice.Target), slice);
            case Call call:
                return Invoke(call);
            case Filter filter:
                return JinjaBuiltins.ApplyFilter(filter.FilterName, Evaluate(filter.Target), filter.Arguments.Select(Evaluate).ToList(), Keywords(filter.Keywords));
            case Test test:
                bool passed = JinjaBuiltins.ApplyTest(test.TestName, Evaluate(test.Target), test.Arguments.Select(Evaluate).ToList());
                return passed != test.Negated;
            case Unary unary:
                return EvaluateUnary(unary);
            case Binary binary:
                return EvaluateBinary(binary);
            case Conditional conditional:
                return JinjaValues.IsTruthy(Evaluate(conditional.Condition))
                    ? Evaluate(conditional.WhenTrue)
                    : conditional.WhenFalse is null ? new Undefined("else") : Evaluate(conditional.WhenFalse);
            default:
                throw new InvalidOperationException($"expression {expression.GetType().Name} is not implemented");
        }
    }

    private Dictionary<string, object?> Keywords(IReadOnlyList<(string Name, Expression Value)> keywords)
    {
        var result = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach ((string name, Expression value) in keywords)
        {
            result[name] = Evaluate(value);
        }
        return result;
    }

    /// <summary>Jinja's <c>getattr</c>: a method of the value first, then its item of that name.</summary>
    public static object? GetAttribute(object? target, string attribute)
    {
        switch (target)
        {
            case Undefined undefined:
                throw new InvalidOperationException($"'{undefined.Name}' is undefined, so it has no attribute '{attribute}'");
            case JinjaNamespace ns:
                return ns.Attributes.TryGetValue(attribute, out object? value) ? value : new Undefined(attribute);
            default:
                if (JinjaBuiltins.Method(target, attribute) is JinjaCallable method)
                {
                    return method;
                }
                return target is Dictionary<string, object?> dict && dict.TryGetValue(attribute, out object? item) ? item : new Undefined(attribute);
        }
    }

    /// <summary>Jinja's <c>getitem</c>: the item first, then an attribute of that name.</summary>
    private static object? GetItem(object? target, object? index)
    {
        switch (target, index)
        {
            case (Undefined undefined, _):
                throw new InvalidOperationException($"'{undefined.Name}' is undefined, so it has no item {JinjaValues.Repr(index)}");
            case (List<object?> list, long i):
                long at = i < 0 ? list.Count + i : i;
                return at >= 0 && at < list.Count ? list[(int)at] : new Undefined($"[{i}]");
            case (string s, long i):
                long c = i < 0 ? s.Length + i : i;
                return c >= 0 && c < s.Length ? s[(int)c].ToString() : new Undefined($"[{i}]");
            case (Dictionary<string, object?> dict, string key):
                return dict.TryGetValue(key, out object? value) ? value : GetAttribute(target, key);
            case (_, string name):
                return GetAttribute(target, name);
            default:
                return new Undefined(JinjaValues.Repr(index));
        }
    }

    private object? SliceOf(object? target, Slice slice)
    {
        long? Bound(Expression? e) => e is null ? null : Evaluate(e) switch
        {
            null => null,
            long l => l,
            var v => throw new InvalidOperationException($"slice indices must be integers, not a {JinjaValues.TypeName(v)}"),
        };
        long? start = Bound(slice.Start), stop = Bound(slice.Stop), step = Bound(slice.Step);
        int count = target switch
        {
            List<object?> list => list.Count,
            string s => s.Length,
            _ => throw new InvalidOperationException($"a {JinjaValues.TypeName(target)} cannot be sliced"),
        };
        List<int> indices = PythonSlice(count, start, stop, step ?? 1);
        return target is string text
            ? new string(indices.Select(i => text[i]).ToArray())
            : indices.Select(i => ((List<object?>)target!)[i]).ToList();
    }

    /// <summary>The indices <c>range(count)[start:stop:step]</c> selects, with Python's clamping of negative and large bounds.</summary>
    private static List<int> PythonSlice(int count, long? start, long? stop, long step)
    {
        if (step == 0)
        {
            throw new InvalidOperationException("slice step cannot be zero");
        }
        long Clamp(long? value, long whenNull, long low, long high)
        {
            if (value is not long v)
            {
                return whenNull;
            }
            if (v < 0)
            {
                v += count;
            }
            return Math.Clamp(v, low, high);
        }
        var indices = new List<int>();
        if (step > 0)
        {
            long from = Clamp(start, 0, 0, count), to = Clamp(stop, count, 0, count);
            for (long i = from; i < to; i += step)
            {
                indices.Add((int)i);
            }
        }
        else
        {
            long from = Clamp(start, count - 1, -1, count - 1), to = Clamp(stop, -1, -1, count - 1);
            for (long i = from; i > to; i += step)
            {
                indices.Add((int)i);
            }
        }
        return indices;
    }

    private object? Invoke(Call call)
    {
        object? callee = Evaluate(call.Callee);
        List<object?> arguments = call.Arguments.Select(Evaluate).ToList();
        Dictionary<string, object?> keywords = Keywords(call.Keywords);
        return callee switch
        {
            JinjaCallable function => function.Invoke(arguments, keywords),
            Undefined undefined => throw new ChatTemplateException(_name, call.Line, $"function '{undefined.Name}'", $"'{undefined.Name}' is not a function this renderer provides"),
            _ => throw new InvalidOperationException($"a {JinjaValues.TypeName(callee)} cannot be called"),
        };
    }

    private object? EvaluateUnary(Unary unary)
    {
        object? operand = Evaluate(unary.Operand);
        return unary.Operator switch
        {
            "not" => !JinjaValues.IsTruthy(operand),
            "-" => operand switch
            {
                long l => (object)(-l),
                double d => -d,
                _ => throw new InvalidOperationException($"cannot negate a {JinjaValues.TypeName(operand)}"),
            },
            _ => JinjaValues.IsNumber(operand) ? operand : throw new InvalidOperationException($"unary '+' needs a number, not a {JinjaValues.TypeName(operand)}"),
        };
    }

    private object? EvaluateBinary(Binary binary)
    {
        // "and" / "or" return an operand, as Python's do, and skip the right one when the left decides.
        if (binary.Operator == "and")
        {
            object? left = Evaluate(binary.Left);
            return JinjaValues.IsTruthy(left) ? Evaluate(binary.Right) : left;
        }
        if (binary.Operator == "or")
        {
            object? left = Evaluate(binary.Left);
            return JinjaValues.IsTruthy(left) ? left : Evaluate(binary.Right);
        }
        object? a = Evaluate(binary.Left), b = Evaluate(binary.Right);
        switch (binary.Operator)
        {
            case "==": return JinjaValues.Equals(a, b);
            case "!=": return !JinjaValues.Equals(a, b);
            case "<": return JinjaValues.Compare(a, b) < 0;
            case ">": return JinjaValues.Compare(a, b) > 0;
            case "<=": return JinjaValues.Compare(a, b) <= 0;
            case ">=": return JinjaValues.Compare(a, b) >= 0;
            case "in": return JinjaBuiltins.Contains(b, a);
            case "~": return JinjaValues.ToText(a) + JinjaValues.ToText(b);
            case "+":
                return (a, b) switch
                {
                    (string x, string y) => Concatenate(x, y),
                    (List<object?> x, List<object?> y) => x.Concat(y).ToList(),
                    (long x, long y) => x + y,
                    _ when JinjaValues.IsNumber(a) && JinjaValues.IsNumber(b) => JinjaValues.ToDouble(a) + JinjaValues.ToDouble(b),
                    _ => throw new InvalidOperationException($"cannot add a {JinjaValues.TypeName(a)} and a {JinjaValues.TypeName(b)}"),
                };
            case "-":
                return Arithmetic(a, b, "-", (x, y) => x - y, (x, y) => x - y);
            case "*":
                return (a, b) switch
                {
                    (string s, long n) => Repeat(s, n),
                    (long n, string s) => Repeat(s, n),
                    _ => Arithmetic(a, b, "*", (x, y) => x * y, (x, y) => x * y),
                };
            case "/":
                double divisor = JinjaValues.IsNumber(b) ? JinjaValues.ToDouble(b) : throw new InvalidOperationException($"cannot divide by a {JinjaValues.TypeName(b)}");
                return divisor == 0 ? throw new InvalidOperationException("division by zero") : JinjaValues.ToDouble(a) / divisor;
            case "//":
                return Arithmetic(a, b, "//", (x, y) => y == 0 ? throw new InvalidOperationException("division by zero") : (long)Math.Floor((double)x / y), (x, y) => Math.Floor(x / y));
            case "%":
                return Arithmetic(a, b, "%", (x, y) => y == 0 ? throw new InvalidOperationException("modulo by zero") : ((x % y) + y) % y, (x, y) => x - (y * Math.Floor(x / y)));
            default:
                throw new InvalidOperationException($"operator '{binary.Operator}' is not implemented");
        }
    }

    private string Concatenate(string x, string y) =>
        (long)x.Length + y.Length > MaxOutputLength
            ? throw new ChatTemplateException(_name, _line, null, $"a string exceeds {MaxOutputLength} characters")
            : x + y;

    private string Repeat(string s, long n) =>
        n <= 0 ? "" : (long)s.Length * n > MaxOutputLength
            ? throw new ChatTemplateException(_name, _line, null, $"a string exceeds {MaxOutputLength} characters")
            : new StringBuilder().Insert(0, s, (int)n).ToString();

    private static object Arithmetic(object? a, object? b, string op, Func<long, long, long> integer, Func<double, double, double> real)
    {
        if (a is long x && b is long y)
        {
            return integer(x, y);
        }
        if (JinjaValues.IsNumber(a) && JinjaValues.IsNumber(b))
        {
            return real(JinjaValues.ToDouble(a), JinjaValues.ToDouble(b));
        }
        throw new InvalidOperationException($"'{op}' needs numbers, not a {JinjaValues.TypeName(a)} and a {JinjaValues.TypeName(b)}");
    }

    /// <summary>Formats a date with the strftime directives chat templates use (<c>%d %b %Y</c> in Llama 3.2's).</summary>
    public static string StrFTime(DateTime time, string format)
    {
        var text = new StringBuilder();
        for (int i = 0; i < format.Length; i++)
        {
            if (format[i] != '%' || i + 1 == format.Length)
            {
                text.Append(format[i]);
                continue;
            }
            char directive = format[++i];
            text.Append(directive switch
            {
                'd' => time.ToString("dd", CultureInfo.InvariantCulture),
                'm' => time.ToString("MM", CultureInfo.InvariantCulture),
                'Y' => time.ToString("yyyy", CultureInfo.InvariantCulture),
                'y' => time.ToString("yy", CultureInfo.InvariantCulture),
                'b' => time.ToString("MMM", CultureInfo.InvariantCulture),
                'B' => time.ToString("MMMM", CultureInfo.InvariantCulture),
                'a' => time.ToString("ddd", CultureInfo.InvariantCulture),
                'A' => time.ToString("dddd", CultureInfo.InvariantCulture),
                'H' => time.ToString("HH", CultureInfo.InvariantCulture),
                'M' => time.ToString("mm", CultureInfo.InvariantCulture),
                'S' => time.ToString("ss", CultureInfo.InvariantCulture),
                'j' => time.DayOfYear.ToString("000", CultureInfo.InvariantCulture),
                '%' => "%",
                _ => throw new InvalidOperationException($"strftime directive '%{directive}' is not supported"),
            });
        }
        return text.ToString();
    }
}
