using System.Text;

namespace ParameterKit.Tokenization.ChatTemplates.Jinja;

/// <summary>
/// Splits a template into text and tag tokens with the whitespace rules transformers renders chat templates with:
/// <c>trim_blocks</c> (the newline after a block or comment tag is dropped), <c>lstrip_blocks</c> (spaces and tabs
/// before a block or comment tag at the start of a line are dropped) and the <c>-</c> / <c>+</c> markers. The rules
/// follow Jinja2's lexer (lexer.py, <c>tokeniter</c>) so renderings match python3-jinja2's byte for byte.
/// </summary>
internal sealed class JinjaLexer
{
    private static readonly string[] Operators = ["//", "**", "==", "!=", "<=", ">=", "+", "-", "*", "/", "%", "~", "<", ">", "(", ")", "[", "]", "{", "}", ",", ".", ":", "|", "="];

    private readonly string _source;
    private readonly string _name;
    private readonly List<JinjaToken> _tokens = [];
    private int _pos;
    private int _line = 1;

    private JinjaLexer(string source, string name)
    {
        _source = source;
        _name = name;
    }

    public static List<JinjaToken> Tokenize(string source, string name)
    {
        var lexer = new JinjaLexer(source, name);
        lexer.Run();
        return lexer._tokens;
    }

    private ChatTemplateException Error(string detail, string? construct = null) => new(_name, _line, construct, detail);

    private void Run()
    {
        bool lineStarting = true;
        bool trimNextText = false;
        while (_pos < _source.Length)
        {
            int tag = FindTag(_pos);
            string text = _source[_pos..(tag < 0 ? _source.Length : tag)];
            if (trimNextText)
            {
                text = text.TrimStart();
            }
            if (tag < 0)
            {
                EmitText(text);
                _pos = _source.Length;
                break;
            }
            char kind = _source[tag + 1];
            char marker = tag + 2 < _source.Length ? _source[tag + 2] : '\0';
            if (marker == '-')
            {
                text = text.TrimEnd();
            }
            else if (kind != '{' && marker != '+')
            {
                // lstrip_blocks: drop the spaces before a block or comment tag that starts its line.
                int lineStart = text.LastIndexOf('\n') + 1;
                if ((lineStart > 0 || lineStarting) && IsBlank(text.AsSpan(lineStart)))
                {
                    text = text[..lineStart];
                }
            }
            EmitText(text);
            _line += Count(_source.AsSpan(_pos, tag - _pos), '\n');
            _pos = tag + 2 + (marker is '-' or '+' ? 1 : 0);
            bool trimAfter;
            switch (kind)
            {
                case '#':
                    trimAfter = SkipComment();
                    break;
                case '{':
                    _tokens.Add(new JinjaToken(JinjaTokenKind.PrintStart, "{{", _line));
                    trimAfter = LexInside("}}", JinjaTokenKind.PrintEnd);
                    break;
                default:
                    _tokens.Add(new JinjaToken(JinjaTokenKind.BlockStart, "{%", _line));
                    trimAfter = LexInside("%}", JinjaTokenKind.BlockEnd);
                    if (IsRawBlock())
                    {
                        throw Error("'{% raw %}' blocks are not supported", "raw");
                    }
                    break;
            }
            trimNextText = trimAfter;
            lineStarting = false;
            // trim_blocks: a block or comment tag swallows the one newline that follows it.
            if (!trimAfter && kind != '{' && _pos < _source.Length && _source[_pos] == '\n')
            {
                _pos++;
                _line++;
                lineStarting = true;
            }
        }
        _tokens.Add(new JinjaToken(JinjaTokenKind.End, "", _line));
    }

    private bool IsRawBlock() =>
        _tokens.Count >= 3 && _tokens[^3].Kind == JinjaTokenKind.BlockStart && _tokens[^2] is { Kind: JinjaTokenKind.Name, Value: "raw" };

    private void EmitText(string text)
    {
        if (text.Length > 0)
        {
            _tokens.Add(new JinjaToken(JinjaTokenKind.Text, text, _line));
        }
    }

    private int FindTag(int from)
    {
        for (int i = _source.IndexOf('{', from); i >= 0 && i + 1 < _source.Length; i = _source.IndexOf('{', i + 1))
        {
            char next = _source[i + 1];
            if (next is '{' or '%' or '#')
            {
                return i;
            }
        }
        return -1;
    }

    /// <summary>Skips to the end of a comment; returns whether it ends with <c>-#}</c>.</summary>
    private bool SkipComment()
    {
        int end = _source.IndexOf("#}", _pos, StringComparison.Ordinal);
        if (end < 0)
        {
            throw Error("a comment '{#' is never closed with '#}'");
        }
        _line += Count(_source.AsSpan(_pos, end - _pos), '\n');
        bool trim = end > _pos && _source[end - 1] == '-';
        _pos = end + 2;
        return trim;
    }

    /// <summary>Lexes the inside of a tag up to <paramref name="close"/>; returns whether it closes with a <c>-</c> marker.</summary>
    private bool LexInside(string close, JinjaTokenKind closeKind)
    {
        while (true)
        {
            while (_pos < _source.Length && char.IsWhiteSpace(_source[_pos]))
            {
                if (_source[_pos] == '\n')
                {
                    _line++;
                }
                _pos++;
            }
            if (_pos >= _source.Length)
            {
                throw Error($"a tag is never closed with '{close}'");
            }
            if (string.CompareOrdinal(_source, _pos, close, 0, 2) == 0)
            {
                _pos += 2;
                _tokens.Add(new JinjaToken(closeKind, close, _line));
                return false;
            }
            if ((_source[_pos] is '-' or '+') && string.CompareOrdinal(_source, _pos + 1, close, 0, 2) == 0)
            {
                bool trim = _source[_pos] == '-';
                _pos += 3;
                _tokens.Add(new JinjaToken(closeKind, close, _line));
                return trim;
            }
            char c = _source[_pos];
            if (c is '\'' or '"')
            {
                _tokens.Add(new JinjaToken(JinjaTokenKind.String, ReadString(c), _line));
            }
            else if (char.IsAsciiDigit(c))
            {
                ReadNumber();
            }
            else if (char.IsAsciiLetter(c) || c == '_')
            {
                int start = _pos;
                while (_pos < _source.Length && (char.IsAsciiLetterOrDigit(_source[_pos]) || _source[_pos] == '_'))
                {
                    _pos++;
                }
                _tokens.Add(new JinjaToken(JinjaTokenKind.Name, _source[start.._pos], _line));
            }
            else
            {
                string? op = Operators.FirstOrDefault(o => string.CompareOrdinal(_source, _pos, o, 0, o.Length) == 0);
                if (op is null)
                {
                    throw Error($"unexpected character '{c}' inside a tag");
                }
                _pos += op.Length;
                _tokens.Add(new JinjaToken(JinjaTokenKind.Operator, op, _line));
            }
        }
    }

    /// <summary>Reads a string literal with Python's escapes (Jinja decodes literals as Python does).</summary>
    private string ReadString(char quote)
    {
        var text = new StringBuilder();
        _pos++;
        while (true)
        {
            if (_pos >= _source.Length)
            {
                throw Error("a string literal is never closed");
            }
            char c = _source[_pos++];
            if (c == quote)
            {
                return text.ToString();
            }
            if (c == '\n')
            {
                _line++;
            }
            if (c != '\\' || _pos >= _source.Length)
            {
                text.Append(c);
                continue;
            }
            char e = _source[_pos++];
            switch (e)
            {
                case 'n': text.Append('\n'); break;
                case 't': text.Append('\t'); break;
                case 'r': text.Append('\r'); break;
                case '0': text.Append('\0'); break;
                case '\\': text.Append('\\'); break;
                case '\'': text.Append('\''); break;
                case '"': text.Append('"'); break;
                case '\n': _line++; break;
                case 'u' when _pos + 4 <= _source.Length && ushort.TryParse(_source.AsSpan(_pos, 4), System.Globalization.NumberStyles.HexNumber, System.Globalization.CultureInfo.InvariantCulture, out ushort code):
                    text.Append((char)code);
                    _pos += 4;
                    break;
                default:
                    // Python keeps an unknown escape as written.
                    text.Append('\\').Append(e);
                    break;
            }
        }
    }

    private void ReadNumber()
    {
        int start = _pos;
        while (_pos < _source.Length && (char.IsAsciiDigit(_source[_pos]) || _source[_pos] == '_'))
        {
            _pos++;
        }
        bool isFloat = false;
        if (_pos + 1 < _source.Length && _source[_pos] == '.' && char.IsAsciiDigit(_source[_pos + 1]))
        {
            isFloat = true;
            _pos++;
            while (_pos < _source.Length && char.IsAsciiDigit(_source[_pos]))
            {
                _pos++;
            }
        }
        string text = _source[start.._pos].Replace("_", "", StringComparison.Ordinal);
        _tokens.Add(new JinjaToken(isFloat ? JinjaTokenKind.Float : JinjaTokenKind.Integer, text, _line));
    }

    private static bool IsBlank(ReadOnlySpan<char> text)
    {
        foreach (char c in text)
        {
            if (!char.IsWhiteSpace(c))
            {
                return false;
            }
        }
        return true;
    }

    private static int Count(ReadOnlySpan<char> text, char c) => text.Count(c);
}
