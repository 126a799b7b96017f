using System.Collections.Immutable;
using System.Composition;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using ParameterKit.Analyzers;

namespace ParameterKit.CodeFixes;

/// <summary>
/// PK4001: copies a returned or stored view while its file is still open: <c>return view;</c> becomes
/// <c>return view.ToArray();</c>. The array converts implicitly back to the span or memory type the member declares,
/// so signatures stay as they are, and the data now lives on the managed heap.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(CopyViewCodeFix)), Shared]
public sealed class CopyViewCodeFix : CodeFixProvider
{
    private const string Title = "Copy the data before the file is disposed";

    public override ImmutableArray<string> FixableDiagnosticIds => ImmutableArray.Create(SafeTensorsViewEscapeAnalyzer.Id);

    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        foreach (var diagnostic in context.Diagnostics)
        {
            if (root?.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true) is not ExpressionSyntax view ||
                !diagnostic.Properties.ContainsKey(SafeTensorsViewEscapeAnalyzer.CopyableKey))
            {
                continue;
            }
            context.RegisterCodeFix(CodeAction.Create(Title, ct => CopyAsync(context.Document, view, ct), equivalenceKey: Title), diagnostic);
        }
    }

    private static async Task<Document> CopyAsync(Document document, ExpressionSyntax view, CancellationToken cancellationToken)
    {
        var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        var copy = SyntaxFactory.InvocationExpression(
                SyntaxFactory.MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, view.WithoutTrivia(), SyntaxFactory.IdentifierName("ToArray")))
            .WithTriviaFrom(view);
        return document.WithSyntaxRoot(root!.ReplaceNode(view, copy));
    }
}
