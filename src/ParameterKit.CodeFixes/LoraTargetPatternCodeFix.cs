namespace ParameterKit.CodeFixes;

/// <summary>
/// PK1005: rewrites a target pattern to the one the analyzer worked out was meant: <c>"c_attn.weight"</c> becomes
/// <c>"c_attn"</c> (targets name layers), and a near miss of a known layer (<c>"q_poj"</c>, edit distance at most 2)
/// becomes that layer (<c>"q_proj"</c>). A pattern that names an embedding or a norm has no mechanical fix.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(LoraTargetPatternCodeFix)), Shared]
public sealed class LoraTargetPatternCodeFix() : SyntaxRewriteCodeFix(LoraTargetPatternAnalyzer.Id, "Use the layer meant")
{
    /// <inheritdoc />
    protected override Func<SyntaxNode, SyntaxNode>? Plan(SyntaxNode root, Diagnostic diagnostic)
    {
        if (Replacement(diagnostic) is not string replacement ||
            root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true) is not LiteralExpressionSyntax literal ||
            !literal.IsKind(SyntaxKind.StringLiteralExpression))
        {
            return null;
        }
        var updated = SyntaxFactory.LiteralExpression(SyntaxKind.StringLiteralExpression, SyntaxFactory.Literal(replacement)).WithTriviaFrom(literal);
        return current => current.ReplaceNode(literal, updated);
    }

    /// <inheritdoc />
    /// <remarks>The equivalence key stays the one title: a key per replacement would stop fix-all at one pattern.</remarks>
    protected override string TitleOf(Diagnostic diagnostic) => $"Use '{Replacement(diagnostic)}'";

    /// <summary>The pattern the analyzer worked out was meant, or <see langword="null"/> when there is no mechanical fix.</summary>
    private static string? Replacement(Diagnostic diagnostic) =>
        diagnostic.Properties.TryGetValue(LoraTargetPatternAnalyzer.ReplacementProperty, out string? replacement) ? replacement : null;
}
