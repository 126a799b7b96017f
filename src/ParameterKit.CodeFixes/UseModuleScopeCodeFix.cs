namespace ParameterKit.CodeFixes;

/// <summary>
/// PK1001: declares through the module's own <c>Scope</c> instead of a store the module made:
/// <c>new ParameterStore().Root.Weight(...)</c> becomes <c>Scope.Weight(...)</c> and
/// <c>store.Scope("aux").Bias(...)</c> becomes <c>Scope.Scope("aux").Bias(...)</c>.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(UseModuleScopeCodeFix)), Shared]
public sealed class UseModuleScopeCodeFix() : SyntaxRewriteCodeFix(ForeignScopeAnalyzer.Id, "Declare through the module's Scope")
{
    /// <inheritdoc />
    protected override Func<SyntaxNode, SyntaxNode>? Plan(SyntaxNode root, Diagnostic diagnostic)
    {
        if (!diagnostic.Properties.TryGetValue(ForeignScopeAnalyzer.ReplaceKey, out var replace))
        {
            return null;
        }
        var store = root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true);
        // store.Root is the scope to replace as a whole; before .Scope(...) the store itself is.
        SyntaxNode target = replace == ForeignScopeAnalyzer.ReplaceRoot && store.Parent is MemberAccessExpressionSyntax rootAccess
            ? rootAccess
            : store;
        return current => current.ReplaceNode(target, SyntaxFactory.IdentifierName("Scope").WithTriviaFrom(target));
    }
}
