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
/// PK1001: declares through the module's own <c>Scope</c> instead of a store the module made:
/// <c>new ParameterStore().Root.Weight(...)</c> becomes <c>Scope.Weight(...)</c> and
/// <c>store.Scope("aux").Bias(...)</c> becomes <c>Scope.Scope("aux").Bias(...)</c>.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(UseModuleScopeCodeFix)), Shared]
public sealed class UseModuleScopeCodeFix : CodeFixProvider
{
    private const string Title = "Declare through the module's Scope";

    public override ImmutableArray<string> FixableDiagnosticIds => ImmutableArray.Create(ForeignScopeAnalyzer.Id);

    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        foreach (var diagnostic in context.Diagnostics)
        {
            if (root is null || !diagnostic.Properties.TryGetValue(ForeignScopeAnalyzer.ReplaceKey, out var replace))
            {
                continue;
            }
            var store = root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true);
            // store.Root is the scope to replace as a whole; before .Scope(...) the store itself is.
            SyntaxNode target = replace == ForeignScopeAnalyzer.ReplaceRoot && store.Parent is MemberAccessExpressionSyntax rootAccess
                ? rootAccess
                : store;
            context.RegisterCodeFix(
                CodeAction.Create(Title, ct => ReplaceAsync(context.Document, target, ct), equivalenceKey: Title),
                diagnostic);
        }
    }

    private static async Task<Document> ReplaceAsync(Document document, SyntaxNode target, CancellationToken cancellationToken)
    {
        var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        var scope = SyntaxFactory.IdentifierName("Scope").WithTriviaFrom(target);
        return document.WithSyntaxRoot(root!.ReplaceNode(target, scope));
    }
}
