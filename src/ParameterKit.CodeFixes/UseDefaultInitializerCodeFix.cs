using System.Collections.Immutable;
using System.Composition;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Simplification;
using ParameterKit.Analyzers;

namespace ParameterKit.CodeFixes;

/// <summary>
/// PK1003: replaces a constant initializer with the kind's default: <c>Init.LinearDefault</c> for a Weight (PyTorch's
/// Linear default) and <c>Init.EmbeddingDefault</c> for an Embedding. The name is written fully qualified and marked
/// for simplification, so it shortens to <c>Init.…</c> where the namespace is imported.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(UseDefaultInitializerCodeFix)), Shared]
public sealed class UseDefaultInitializerCodeFix : CodeFixProvider
{
    private const string Title = "Use the kind's default initializer";

    public override ImmutableArray<string> FixableDiagnosticIds => ImmutableArray.Create(ConstantWeightInitializerAnalyzer.Id);

    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        foreach (var diagnostic in context.Diagnostics)
        {
            if (root is null || !diagnostic.Properties.TryGetValue(ConstantWeightInitializerAnalyzer.KindKey, out var kind))
            {
                continue;
            }
            var target = root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true);
            string member = kind == "Embedding" ? "EmbeddingDefault" : "LinearDefault";
            context.RegisterCodeFix(
                CodeAction.Create($"Use Init.{member}", ct => ReplaceAsync(context.Document, target, member, ct), equivalenceKey: Title),
                diagnostic);
        }
    }

    private static async Task<Document> ReplaceAsync(Document document, SyntaxNode target, string member, CancellationToken cancellationToken)
    {
        var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        var replacement = SyntaxFactory.ParseExpression("global::ParameterKit.Parameters.Initializers.Init." + member)
            .WithTriviaFrom(target)
            .WithAdditionalAnnotations(Simplifier.Annotation);
        return document.WithSyntaxRoot(root!.ReplaceNode(target, replacement));
    }
}
