using System.Globalization;

namespace ParameterKit.Tokenization.ChatTemplates.Jinja;

/// <summary>
/// Parses the Jinja subset chat templates use into statements and expressions, with Jinja2's operator precedence
/// (parser.py): <c>x if c else y</c> &lt; <c>or</c> &lt; <c>and</c> &lt; <c>not</c> &lt; comparisons and <c>in</c>
/// &lt; <c>+ -</c> &lt; <c>~</c> &lt; <c>* / // %</c> &lt; unary minus &lt; postfix (<c>.a</c>, <c>[i]</c>,
/// <c>(args)</c>) and then filters and tests (<c>x | trim</c>, <c>x is defined</c>), so
/// <c>'a' + m['content'] | trim</c> trims the content only. A statement or filter outside the subset is a
/// <see cref="ChatTemplateException"/> naming it, raised here, before anything renders.
/// </summary>
internal sealed class JinjaParser
{
    /// <summary>Nesting deeper than this is refused so a hostile template cannot overflow the stack.</summary>
    private const int MaxDepth = 100;

    private readonly List<JinjaToken> _tokens;
    private readonly string _name;
    private int _pos;
    private int _depth;

    private JinjaParser(List<JinjaToken> tokens, string name)
    {
        _tokens = tokens;
        _name = name;
    }

    public static IReadOnlyList<Statement> Parse(string source, string name)
    {
        var parser = new JinjaParser(JinjaLexer.Tokenize(source, name), name);
        List<Statement> body = parser.ParseBody(out string? end);
        if (end is not null)
        {
            throw parser.Error($"'{{% {end} %}}' has no matching opening tag");
        }
        return body;
    }

    private JinjaToken Current => _tokens[_pos];

    private ChatTemplateException Error(string detail, string? construct = null) => new(_name, Current.Line, construct, detail);

    private ChatTemplateException Unsupported(string construct) =>
        new(_name, Current.Line, construct, $"'{construct}' is not supported by this chat-template renderer");

    /// <summary>Parses statements until the end of input or a block tag this level does not own (returned in <paramref name="end"/>).</summary>
    private List<Statement> ParseBody(out string? end)
    {
        var body = new List<Statement>();
        while (true)
        {
            JinjaToken token = Current;
            switch (token.Kind)
            {
                case JinjaTokenKind.End:
                    end = null;
                    return body;
                case JinjaTokenKind.Text:
                    body.Add(new TextStatement(token.Line, token.Value));
                    _pos++;
                    break;
                case JinjaTokenKind.PrintStart:
                    _pos++;
                    body.Add(new PrintStatement(token.Line, ParseExpression()));
                    Expect(JinjaTokenKind.PrintEnd, "}}");
                    break;
                case JinjaTokenKind.BlockStart:
                    _pos++;
                    JinjaToken keyword = Current;
                    if (keyword.Kind != JinjaTokenKind.Name)
                    {
                        throw Error("a statement must start with a keyword");
                    }
                    switch (keyword.Value)
                    {
                        case "if":
                            _pos++;
                            body.Add(ParseIf(keyword.Line));
                            break;
                        case "for":
                            _pos++;
                            body.Add(ParseFor(keyword.Line));
                            break;
                        case "set":
                            _pos++;
                            body.Add(ParseSet(keyword.Line));
                            break;
                        case "elif" or "else" or "endif" or "endfor":
                            end = keyword.Value;
                            _pos++;
                            return body;
                        default:
                            throw Unsupported(keyword.Value is "macro" or "call" or "filter" or "include" or "import" or "extends" or "block" or "with" or "generation" or "break" or "continue" or "do"
                                ? keyword.Value : $"statement '{keyword.Value}'");
                    }
                    break;
                default:
                    throw Error($"unexpected '{token.Value}'");
            }
        }
    }

    private IfStatement ParseIf(int line)
    {
        var branches = new List<(Expression, IReadOnlyList<Statement>)>();
        Expression condition = ParseExpression();
        while (true)
        {
            Expect(JinjaTokenKind.BlockEnd, "%}");
            List<Statement> body = Nested(out string? end);
            branches.Add((condition, body));
            switch (end)
            {
                case "elif":
                    condition = ParseExpression();
                    continue;
                case "else":
                    Expect(JinjaTokenKind.BlockEnd, "%}");
                    List<Statement> otherwise = Nested(out string? endElse);
                    if (endElse != "endif")
                    {
                        throw Error($"'{{% if %}}' (line {line}) ends with '{endElse ?? "end of template"}', not 'endif'");
                    }
                    Expect(JinjaTokenKind.BlockEnd, "%}");
                    return new IfStatement(line, branches, otherwise);
                case "endif":
                    Expect(JinjaTokenKind.BlockEnd, "%}");
                    return new IfStatement(line, branches, []);
                default:
                    throw Error($"'{{% if %}}' (line {line}) is never closed with '{{% endif %}}'");
            }
        }
    }

    private ForStatement ParseFor(int line)
    {
        var targets = new List<string> { ExpectName() };
        while (IsOperator(","))
        {
            _pos++;
            targets.Add(ExpectName());
        }
        ExpectKeyword("in");
        Expression iterable = ParseOr(allowConditional: false);
        Expression? filter = null;
        if (IsKeyword("if"))
        {
            _pos++;
            filter = ParseOr(allowConditional: false);
        }
        if (IsKeyword("recursive"))
        {
            throw Unsupported("recursive for");
        }
        Expect(JinjaTokenKind.BlockEnd, "%}");
        List<Statement> body = Nested(out string? end);
        List<Statement> otherwise = [];
        if (end == "else")
        {
            Expect(JinjaTokenKind.BlockEnd, "%}");
            otherwise = Nested(out end);
        }
        if (end != "endfor")
        {
            throw Error($"'{{% for %}}' (line {line}) is never closed with '{{% endfor %}}'");
        }
        Expect(JinjaTokenKind.BlockEnd, "%}");
        return new ForStatement(line, targets, iterable, filter, body, otherwise);
    }

    private SetStatement ParseSet(int line)
    {
        var targets = new List<string> { ExpectName() };
        string? attribute = null;
        if (IsOperator("."))
        {
            _pos++;
            attribute = ExpectName();
        }
        while (attribute is null && IsOperator(","))
        {
            _pos++;
            targets.Add(ExpectName());
        }
        if (Current.Kind == JinjaTokenKind.BlockEnd)
        {
            throw Unsupported("block set");
        }
        ExpectOperator("=");
        Expression value = ParseExpression();
        Expect(JinjaTokenKind.BlockEnd, "%}");
        return new SetStatement(line, targets, attribute, value);
    }

    private List<Statement> Nested(out string? end)
    {
        if (++_depth > MaxDepth)
        {
            throw Error($"blocks are nested more than {MaxDepth} deep");
        }
        List<Statement> body = ParseBody(out end);
        _depth--;
        return body;
    }

    private void Enter()
    {
        if (++_depth > MaxDepth)
        {
            throw Error($"expressions are nested more than {MaxDepth} deep");
        }
    }

    private Expression ParseExpression() => ParseOr(allowConditional: true);

    private Expression ParseOr(bool allowConditional)
    {
        Enter();
        Expression left = ParseAnd();
        while (IsKeyword("or"))
        {
            int line = Current.Line;
            _pos++;
            left = new Binary(line, "or", left, ParseAnd());
        }
        if (allowConditional && IsKeyword("if"))
        {
            int line = Current.Line;
            _pos++;
            Expression condition = ParseOr(allowConditional: false);
            Expression? otherwise = null;
            if (IsKeyword("else"))
            {
                _pos++;
                otherwise = ParseOr(allowConditional: true);
            }
            left = new Conditional(line, condition, left, otherwise);
        }
        _depth--;
        return left;
    }

    private Expression ParseAnd()
    {
        Expression left = ParseNot();
        while (IsKeyword("and"))
        {
            int line = Current.Line;
            _pos++;
            left = new Binary(line, "and", left, ParseNot());
        }
        return left;
    }

    private Expression ParseNot()
    {
        if (IsKeyword("not"))
        {
            int line = Current.Line;
            _pos++;
            Enter();
            var not = new Unary(line, "not", ParseNot());
            _depth--;
            return not;
        }
        return ParseCompare();
    }

    private Expression ParseCompare()
    {
        Expression left = ParseAdditive();
        while (true)
        {
            int line = Current.Line;
            if (Current.Kind == JinjaTokenKind.Operator && Current.Value is "==" or "!=" or "<" or ">" or "<=" or ">=")
            {
                string op = Current.Value;
                _pos++;
                left = new Binary(line, op, left, ParseAdditive());
            }
            else if (IsKeyword("in"))
            {
                _pos++;
                left = new Binary(line, "in", left, ParseAdditive());
            }
            else if (IsKeyword("not") && _tokens[_pos + 1] is { Kind: JinjaTokenKind.Name, Value: "in" })
            {
                _pos += 2;
                left = new Unary(line, "not", new Binary(line, "in", left, ParseAdditive()));
            }
            else
            {
                return left;
            }
        }
    }

    private Expression ParseAdditive()
    {
        Expression left = ParseConcat();
        while (Current.Kind == JinjaTokenKind.Operator && Current.Value is "+" or "-")
        {
            JinjaToken op = Current;
            _pos++;
            left = new Binary(op.Line, op.Value, left, ParseConcat());
        }
        return left;
    }

    private Expression ParseConcat()
    {
        Expression left = ParseMultiplicative();
        while (IsOperator("~"))
        {
            int line = Current.Line;
            _pos++;
            left = new Binary(line, "~", left, ParseMultiplicative());
        }
        return left;
    }

    private Expression ParseMultiplicative()
    {
        Expression left = ParseUnary();
        while (Current.Kind == JinjaTokenKind.Operator && Current.Value is "*" or "/" or "//" or "%")
        {
            JinjaToken op = Current;
            _pos++;
            left = new Binary(op.Line, op.Value, left, ParseUnary());
        }
        if (IsOperator("**"))
        {
            throw Unsupported("operator '**'");
        }
        return left;
    }

    private Expression ParseUnary()
    {
        if (Current.Kind == JinjaTokenKind.Operator && Current.Value is "-" or "+")
        {
            JinjaToken op = Current;
            _pos++;
            Enter();
            var unary = new Unary(op.Line, op.Value, ParseUnary());
            _depth--;
            return unary;
        }
        return ParseFiltersAndTests(ParsePostfix(ParsePrimary()));
    }

    private Expression ParsePrimary()
    {
        JinjaToken token = Current;
        _pos++;
        switch (token.Kind)
        {
            case JinjaTokenKind.String:
                // Adjacent string literals concatenate, as in Python.
                string text = token.Value;
                while (Current.Kind == JinjaTokenKind.String)
                {
                    text += Current.Value;
                    _pos++;
                }
                return new Literal(token.Line, text);
            case JinjaTokenKind.Integer:
                return IntegerLiteral(token);
            case JinjaTokenKind.Float:
                return new Literal(token.Line, double.Parse(token.Value, NumberStyles.Float, CultureInfo.InvariantCulture));
            case JinjaTokenKind.Name:
                return token.Value switch
                {
                    "true" or "True" => new Literal(token.Line, true),
                    "false" or "False" => new Literal(token.Line, false),
                    "none" or "None" => new Literal(token.Line, null),
                    _ => new Name(token.Line, token.Value),
                };
            case JinjaTokenKind.Operator when token.Value == "(":
                Expression inner = ParseExpression();
                if (IsOperator(","))
                {
                    throw Unsupported("tuple");
                }
                ExpectOperator(")");
                return inner;
            case JinjaTokenKind.Operator when token.Value == "[":
                var items = new List<Expression>();
                while (!IsOperator("]"))
                {
                    items.Add(ParseExpression());
                    if (!IsOperator(","))
                    {
                        break;
                    }
                    _pos++;
                }
                ExpectOperator("]");
                return new ListExpression(token.Line, items);
            case JinjaTokenKind.Operator when token.Value == "{":
                var pairs = new List<(Expression, Expression)>();
                while (!IsOperator("}"))
                {
                    Expression key = ParseExpression();
                    ExpectOperator(":");
                    pairs.Add((key, ParseExpression()));
                    if (!IsOperator(","))
                    {
                        break;
                    }
                    _pos++;
                }
                ExpectOperator("}");
                return new DictExpression(token.Line, pairs);
            default:
                _pos--;
                throw Error(token.Kind == JinjaTokenKind.End ? "the template ends inside a tag" : $"unexpected '{token.Value}' in an expression");
        }
    }

    /// <summary>An integer literal, standalone or after a dot (<c>messages.0</c>); one past 64 bits is a template error.</summary>
    private Literal IntegerLiteral(JinjaToken token) =>
        long.TryParse(token.Value, NumberStyles.None, CultureInfo.InvariantCulture, out long integer)
            ? new Literal(token.Line, integer)
            : throw Error($"integer literal {token.Value} is out of range");

    private Expression ParsePostfix(Expression target)
    {
        while (true)
        {
            int line = Current.Line;
            if (IsOperator("."))
            {
                _pos++;
                target = Current.Kind == JinjaTokenKind.Integer
                    ? new GetItem(line, target, IntegerLiteral(Take()))
                    : new GetAttribute(line, target, ExpectName());
            }
            else if (IsOperator("["))
            {
                _pos++;
                target = ParseSubscript(line, target);
            }
            else if (IsOperator("("))
            {
                _pos++;
                (List<Expression> arguments, List<(string, Expression)> keywords) = ParseArguments();
                target = new Call(line, target, arguments, keywords);
            }
            else
            {
                return target;
            }
        }
    }

    private Expression ParseSubscript(int line, Expression target)
    {
        Expression? start = null, stop = null, step = null;
        if (!IsOperator(":"))
        {
            start = ParseExpression();
            if (IsOperator("]"))
            {
                _pos++;
                return new GetItem(line, target, start);
            }
        }
        ExpectOperator(":");
        if (!IsOperator(":") && !IsOperator("]"))
        {
            stop = ParseExpression();
        }
        if (IsOperator(":"))
        {
            _pos++;
            if (!IsOperator("]"))
            {
                step = ParseExpression();
            }
        }
        ExpectOperator("]");
        return new Slice(line, target, start, stop, step);
    }

    /// <summary>Parses call arguments after the opening parenthesis, through the closing one.</summary>
    private (List<Expression> Arguments, List<(string Name, Expression Value)> Keywords) ParseArguments()
    {
        var arguments = new List<Expression>();
        var keywords = new List<(string, Expression)>();
        while (!IsOperator(")"))
        {
            if (Current.Kind == JinjaTokenKind.Name && _tokens[_pos + 1] is { Kind: JinjaTokenKind.Operator, Value: "=" })
            {
                string name = Take().Value;
                _pos++;
                keywords.Add((name, ParseExpression()));
            }
            else if (keywords.Count > 0)
            {
                throw Error("a positional argument follows a keyword argument");
            }
            else
            {
                arguments.Add(ParseExpression());
            }
            if (!IsOperator(","))
            {
                break;
            }
            _pos++;
        }
        ExpectOperator(")");
        return (arguments, keywords);
    }

    private Expression ParseFiltersAndTests(Expression target)
    {
        while (true)
        {
            int line = Current.Line;
            if (IsOperator("|"))
            {
                _pos++;
                string name = ExpectName();
                if (!JinjaBuiltins.IsFilter(name))
                {
                    _pos--;
                    throw Unsupported($"filter '{name}'");
                }
                List<Expression> arguments = [];
                List<(string, Expression)> keywords = [];
                if (IsOperator("("))
                {
                    _pos++;
                    (arguments, keywords) = ParseArguments();
                }
                target = new Filter(line, target, name, arguments, keywords);
            }
            else if (IsKeyword("is"))
            {
                _pos++;
                bool negated = false;
                if (IsKeyword("not"))
                {
                    negated = true;
                    _pos++;
                }
                string name = Current.Kind == JinjaTokenKind.Name ? Take().Value
                    : Current.Kind == JinjaTokenKind.Operator && Current.Value is "==" or "!=" or "<" or ">" or "<=" or ">=" ? Take().Value
                    : throw Error("'is' must be followed by a test name");
                name = name switch { "none" => "none", "true" => "true", "false" => "false", _ => name };
                if (!JinjaBuiltins.IsTest(name))
                {
                    _pos--;
                    throw Unsupported($"test '{name}'");
                }
                List<Expression> arguments = [];
                if (IsOperator("("))
                {
                    _pos++;
                    (arguments, List<(string, Expression)> keywords) = ParseArguments();
                    if (keywords.Count > 0)
                    {
                        throw Error($"test '{name}' takes no keyword arguments");
                    }
                }
                else if (Current.Kind is JinjaTokenKind.String or JinjaTokenKind.Integer or JinjaTokenKind.Float
                    || (Current.Kind == JinjaTokenKind.Name && Current.Value is not ("and" or "or" or "else" or "if" or "is" or "in" or "not")))
                {
                    // Jinja allows one argument without parentheses: "x is divisibleby 3", "x is sameas false".
                    arguments.Add(ParsePostfix(ParsePrimary()));
                }
                target = new Test(line, target, name, arguments, negated);
            }
            else
            {
                return target;
            }
        }
    }

    private JinjaToken Take() => _tokens[_pos++];

    private bool IsOperator(string op) => Current.Kind == JinjaTokenKind.Operator && Current.Value == op;

    private bool IsKeyword(string keyword) => Current.Kind == JinjaTokenKind.Name && Current.Value == keyword;

    private string ExpectName() =>
        Current.Kind == JinjaTokenKind.Name ? Take().Value : throw Error($"expected a name, found '{Current.Value}'");

    private void ExpectKeyword(string keyword)
    {
        if (!IsKeyword(keyword))
        {
            throw Error($"expected '{keyword}', found '{Current.Value}'");
        }
        _pos++;
    }

    private void ExpectOperator(string op)
    {
        if (!IsOperator(op))
        {
            throw Error($"expected '{op}', found '{(Current.Kind == JinjaTokenKind.End ? "end of template" : Current.Value)}'");
        }
        _pos++;
    }

    private void Expect(JinjaTokenKind kind, string text)
    {
        if (Current.Kind != kind)
        {
            throw Error($"expected '{text}', found '{(Current.Kind == JinjaTokenKind.End ? "end of template" : Current.Value)}'");
        }
        _pos++;
    }
}
