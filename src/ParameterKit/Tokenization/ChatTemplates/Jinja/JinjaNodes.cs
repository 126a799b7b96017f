namespace ParameterKit.Tokenization.ChatTemplates.Jinja;

/// <summary>A statement of a template: text, a print, or a control structure. Each knows its line for errors.</summary>
internal abstract record Statement(int Line);

internal sealed record TextStatement(int Line, string Text) : Statement(Line);

internal sealed record PrintStatement(int Line, Expression Value) : Statement(Line);

internal sealed record IfStatement(int Line, IReadOnlyList<(Expression Condition, IReadOnlyList<Statement> Body)> Branches, IReadOnlyList<Statement> Else) : Statement(Line);

internal sealed record ForStatement(int Line, IReadOnlyList<string> Targets, Expression Iterable, Expression? Filter, IReadOnlyList<Statement> Body, IReadOnlyList<Statement> Else) : Statement(Line);

/// <summary><c>{% set name = value %}</c>, or <c>{% set ns.attr = value %}</c> when <see cref="Attribute"/> is set; several names unpack a sequence.</summary>
internal sealed record SetStatement(int Line, IReadOnlyList<string> Targets, string? Attribute, Expression Value) : Statement(Line);

/// <summary>An expression; evaluated by <see cref="JinjaRenderer"/>.</summary>
internal abstract record Expression(int Line);

internal sealed record Literal(int Line, object? Value) : Expression(Line);

internal sealed record ListExpression(int Line, IReadOnlyList<Expression> Items) : Expression(Line);

internal sealed record DictExpression(int Line, IReadOnlyList<(Expression Key, Expression Value)> Items) : Expression(Line);

internal sealed record Name(int Line, string Identifier) : Expression(Line);

internal sealed record GetAttribute(int Line, Expression Target, string Attribute) : Expression(Line);

internal sealed record GetItem(int Line, Expression Target, Expression Index) : Expression(Line);

internal sealed record Slice(int Line, Expression Target, Expression? Start, Expression? Stop, Expression? Step) : Expression(Line);

internal sealed record Call(int Line, Expression Callee, IReadOnlyList<Expression> Arguments, IReadOnlyList<(string Name, Expression Value)> Keywords) : Expression(Line);

internal sealed record Filter(int Line, Expression Target, string FilterName, IReadOnlyList<Expression> Arguments, IReadOnlyList<(string Name, Expression Value)> Keywords) : Expression(Line);

internal sealed record Test(int Line, Expression Target, string TestName, IReadOnlyList<Expression> Arguments, bool Negated) : Expression(Line);

internal sealed record Unary(int Line, string Operator, Expression Operand) : Expression(Line);

internal sealed record Binary(int Line, string Operator, Expression Left, Expression Right) : Expression(Line);

internal sealed record Conditional(int Line, Expression Condition, Expression WhenTrue, Expression? WhenFalse) : Expression(Line);
