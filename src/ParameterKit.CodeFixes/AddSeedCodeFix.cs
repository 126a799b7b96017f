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
/// PK1004: gives the generator a seed: <c>new Random()</c> and <c>Random.Shared</c> become <c>new Random(42)</c>.
/// 42 is the seed the README's examples use; the point is that there is one, and the user may pick another.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(AddSeedCodeFix)), Shared]
public sealed class AddSeedCodeFix : CodeFixProvider
{
    private const string Title = "Add a seed";

    public override ImmutableArray<string> FixableDiagnosticIds => ImmutableArray.Create(UnseededRandomAnalyzer.Id);

    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        foreach (var diagnostic in context.Diagnostics)
        {
            if (root is null)
            {
                continue;
            }
            var target = root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true);
            context.RegisterCodeFix(CodeAction.Create(Title, ct => ReplaceAsync(context.Document, target, ct), equivalenceKey: Title), diagnostic);
        }
    }

    private static async Task<Document> ReplaceAsync(Document document, SyntaxNode target, CancellationToken cancellationToken)
    {
        var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        // Keep the spelling of the type the user wrote (Random, System.Random); Random.Shared names it before ".Shared".
        string text = target switch
        {
            ObjectCreationExpressionSyntax creation => $"new {creation.Type}(42)",
            ImplicitObjectCreationExpressionSyntax => "new(42)",
            MemberAccessExpressionSyntax access => $"new {access.Expression}(42)",
            _ => "new System.Random(42)",
        };
        var replacement = SyntaxFactory.ParseExpression(text).WithTriviaFrom(target);
        return document.WithSyntaxRoot(root!.ReplaceNode(target, replacement));
    }
}
