namespace ParameterKit.CodeFixes;

/// <summary>
/// PK1004: gives the generator a seed: <c>new Random()</c> and <c>Random.Shared</c> become <c>new Random(42)</c>.
/// 42 is the seed the README's examples use; the point is that there is one, and the user may pick another.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(AddSeedCodeFix)), Shared]
public sealed class AddSeedCodeFix() : SyntaxRewriteCodeFix(UnseededRandomAnalyzer.Id, "Add a seed")
{
    /// <inheritdoc />
    protected override Func<SyntaxNode, SyntaxNode> Plan(SyntaxNode root, Diagnostic diagnostic)
    {
        var target = root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true);
        // Keep the spelling of the type the user wrote (Random, System.Random); Random.Shared names it before ".Shared".
        string text = target switch
        {
            ObjectCreationExpressionSyntax creation => $"new {creation.Type}(42)",
            ImplicitObjectCreationExpressionSyntax => "new(42)",
            MemberAccessExpressionSyntax access => $"new {access.Expression}(42)",
            _ => "new System.Random(42)",
        };
        return current => current.ReplaceNode(target, SyntaxFactory.ParseExpression(text).WithTriviaFrom(target));
    }
}
