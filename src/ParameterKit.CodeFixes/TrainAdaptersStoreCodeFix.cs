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
/// PK2003: builds the optimizer over the adapters' store instead of the frozen base's (<c>new AdamW(model.Store)</c>
/// becomes <c>new AdamW(lora.Store)</c>). Offered when the attach call's result is kept in a variable, field or property,
/// whose expression the analyzer passes along; otherwise there is nothing to name and no fix.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(TrainAdaptersStoreCodeFix)), Shared]
public sealed class TrainAdaptersStoreCodeFix : CodeFixProvider
{
    private const string Title = "Train the adapters' store";

    public override ImmutableArray<string> FixableDiagnosticIds => ImmutableArray.Create(OptimizerOverAdaptedBaseAnalyzer.Id);

    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        foreach (var diagnostic in context.Diagnostics)
        {
            if (!diagnostic.Properties.TryGetValue(OptimizerOverAdaptedBaseAnalyzer.AdaptersStoreProperty, out string? adaptersStore) ||
                adaptersStore is null ||
                root?.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true) is not ExpressionSyntax store)
            {
                continue;
            }
            context.RegisterCodeFix(
                CodeAction.Create(Title, ct => ReplaceAsync(context.Document, store, adaptersStore, ct), equivalenceKey: Title),
                diagnostic);
        }
    }

    private static async Task<Document> ReplaceAsync(Document document, ExpressionSyntax store, string adaptersStore, CancellationToken cancellationToken)
    {
        var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        var replacement = SyntaxFactory.ParseExpression(adaptersStore).WithTriviaFrom(store);
        return document.WithSyntaxRoot(root!.ReplaceNode(store, replacement));
    }
}
