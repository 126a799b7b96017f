namespace ParameterKit.CodeFixes;

/// <summary>
/// PK2003: builds the optimizer over the adapters' store instead of the frozen base's (<c>new AdamW(model.Store)</c>
/// becomes <c>new AdamW(lora.Store)</c>). Offered when the attach call's result is kept in a variable, field or property,
/// whose expression the analyzer passes along; otherwise there is nothing to name and no fix.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(TrainAdaptersStoreCodeFix)), Shared]
public sealed class TrainAdaptersStoreCodeFix() : SyntaxRewriteCodeFix(OptimizerOverAdaptedBaseAnalyzer.Id, "Train the adapters' store")
{
    /// <inheritdoc />
    protected override Func<SyntaxNode, SyntaxNode>? Plan(SyntaxNode root, Diagnostic diagnostic)
    {
        if (!diagnostic.Properties.TryGetValue(OptimizerOverAdaptedBaseAnalyzer.AdaptersStoreProperty, out string? adaptersStore) ||
            adaptersStore is null ||
            root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true) is not ExpressionSyntax store)
        {
            return null;
        }
        var replacement = SyntaxFactory.ParseExpression(adaptersStore).WithTriviaFrom(store);
        return current => current.ReplaceNode(store, replacement);
    }
}
