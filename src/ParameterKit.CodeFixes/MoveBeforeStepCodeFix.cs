using System.Collections.Immutable;
using System.Composition;
using System.Linq;
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
/// PK2002: moves the misplaced statement (clipping, the schedule's learning rate, the backward pass) to just before
/// the optimizer's step, which the diagnostic carries as its additional location.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(MoveBeforeStepCodeFix)), Shared]
public sealed class MoveBeforeStepCodeFix : CodeFixProvider
{
    private const string Title = "Move before the optimizer step";

    public override ImmutableArray<string> FixableDiagnosticIds => ImmutableArray.Create(StepOrderAnalyzer.Id);

    // Each fix reorders one block; the batch fixer merges the fixes of different blocks. Two moves in one block
    // overlap, so fix-all completes the second on its next pass.
    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        foreach (var diagnostic in context.Diagnostics)
        {
            if (root is null || diagnostic.AdditionalLocations.Count == 0)
            {
                continue;
            }
            var moved = root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true).FirstAncestorOrSelf<StatementSyntax>();
            var step = root.FindNode(diagnostic.AdditionalLocations[0].SourceSpan, getInnermostNodeForTie: true).FirstAncestorOrSelf<StatementSyntax>();
            if (moved?.Parent is not BlockSyntax block || step is null || step.Parent != block)
            {
                continue;
            }
            context.RegisterCodeFix(CodeAction.Create(Title, ct => MoveAsync(context.Document, block, moved, step, ct), equivalenceKey: Title), diagnostic);
        }
    }

    private static async Task<Document> MoveAsync(Document document, BlockSyntax block, StatementSyntax moved, StatementSyntax step, CancellationToken cancellationToken)
    {
        var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        var statements = block.Statements.ToList();
        int from = statements.IndexOf(moved);
        // The step comes before the moved statement, so removing the latter leaves the step's index as it was.
        int to = statements.IndexOf(step);
        statements.RemoveAt(from);
        // Statements in one block share the indentation, so the moved one keeps its own trivia.
        statements.Insert(to, moved);
        var reordered = SyntaxFactory.List(statements);
        return document.WithSyntaxRoot(root!.ReplaceNode(block, block.WithStatements(reordered)));
    }
}
