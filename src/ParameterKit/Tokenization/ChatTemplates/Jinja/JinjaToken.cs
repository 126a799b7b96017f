namespace ParameterKit.Tokenization.ChatTemplates.Jinja;

internal enum JinjaTokenKind
{
    /// <summary>Literal text between tags.</summary>
    Text,
    /// <summary><c>{{</c>: an expression to print follows.</summary>
    PrintStart,
    /// <summary><c>}}</c></summary>
    PrintEnd,
    /// <summary><c>{%</c>: a statement follows.</summary>
    BlockStart,
    /// <summary><c>%}</c></summary>
    BlockEnd,
    Name,
    String,
    Integer,
    Float,
    /// <summary>An operator or punctuation: <c>+ - * / // % ~ == != &lt; &gt; &lt;= &gt;= ( ) [ ] { } , . : | =</c>.</summary>
    Operator,
    End,
}

/// <summary>One token of a template; <see cref="Value"/> holds text, a name, an operator or a decoded string literal.</summary>
internal readonly record struct JinjaToken(JinjaTokenKind Kind, string Value, int Line);
