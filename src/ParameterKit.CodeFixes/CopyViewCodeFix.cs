namespace ParameterKit.CodeFixes;

/// <summary>
/// PK4001: copies a returned or stored view while its file is still open: <c>return view;</c> becomes
/// <c>return view.ToArray();</c>. The array converts implicitly back to the span or memory type the member declares,
/// so signatures stay as they are, and the data now lives on the managed heap.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(CopyViewCodeFix)), Shared]
public sealed class CopyViewCodeFix() : SyntaxRewriteCodeFix(SafeTensorsViewEscapeAnalyzer.Id, "Copy the data before the file is disposed")
{
    /// <inheritdoc />
    protected override Func<SyntaxNode, SyntaxNode>? Plan(SyntaxNode root, Diagnostic diagnostic)
    {
        if (root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true) is not ExpressionSyntax view ||
            !diagnostic.Properties.ContainsKey(SafeTensorsViewEscapeAnalyzer.CopyableKey))
        {
            return null;
        }
        var copy = SyntaxFactory.InvocationExpression(
                SyntaxFactory.MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, view.WithoutTrivia(), SyntaxFactory.IdentifierName("ToArray")))
            .WithTriviaFrom(view);
        return current => current.ReplaceNode(view, copy);
    }
}
