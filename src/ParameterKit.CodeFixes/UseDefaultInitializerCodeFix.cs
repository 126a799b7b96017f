using Microsoft.CodeAnalysis.Simplification;

namespace ParameterKit.CodeFixes;

/// <summary>
/// PK1003: replaces a constant initializer with the kind's default: <c>Init.LinearDefault</c> for a Weight (PyTorch's
/// Linear default) and <c>Init.EmbeddingDefault</c> for an Embedding. The name is written fully qualified and marked
/// for simplification, so it shortens to <c>Init.…</c> where the namespace is imported.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(UseDefaultInitializerCodeFix)), Shared]
public sealed class UseDefaultInitializerCodeFix() : SyntaxRewriteCodeFix(ConstantWeightInitializerAnalyzer.Id, "Use the kind's default initializer")
{
    /// <inheritdoc />
    protected override Func<SyntaxNode, SyntaxNode>? Plan(SyntaxNode root, Diagnostic diagnostic)
    {
        if (Member(diagnostic) is not string member)
        {
            return null;
        }
        var target = root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true);
        var replacement = SyntaxFactory.ParseExpression("global::ParameterKit.Parameters.Initializers.Init." + member)
            .WithTriviaFrom(target)
            .WithAdditionalAnnotations(Simplifier.Annotation);
        return current => current.ReplaceNode(target, replacement);
    }

    /// <inheritdoc />
    protected override string TitleOf(Diagnostic diagnostic) => $"Use Init.{Member(diagnostic)}";

    /// <summary>The <c>Init</c> member of the flagged parameter's kind, or <see langword="null"/> when the diagnostic names no kind.</summary>
    private static string? Member(Diagnostic diagnostic) =>
        diagnostic.Properties.TryGetValue(ConstantWeightInitializerAnalyzer.KindKey, out var kind)
            ? kind == "Embedding" ? "EmbeddingDefault" : "LinearDefault"
            : null;
}
