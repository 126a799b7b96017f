using System.Linq;

namespace ParameterKit.CodeFixes;

/// <summary>
/// PK2002: moves the misplaced statement (clipping, the schedule's learning rate, the backward pass) to just before
/// the optimizer's step, which the diagnostic carries as its additional location.
/// </summary>
/// <remarks>
/// Each fix reorders one block; the batch fixer merges the fixes of different blocks. Two moves in one block
/// overlap, so fix-all completes the second on its next pass.
/// </remarks>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(MoveBeforeStepCodeFix)), Shared]
public sealed class MoveBeforeStepCodeFix() : SyntaxRewriteCodeFix(StepOrderAnalyzer.Id, "Move before the optimizer step")
{
    /// <inheritdoc />
    protected override Func<SyntaxNode, SyntaxNode>? Plan(SyntaxNode root, Diagnostic diagnostic)
    {
        if (diagnostic.AdditionalLocations.Count == 0)
        {
            return null;
        }
        var moved = root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true).FirstAncestorOrSelf<StatementSyntax>();
        var step = root.FindNode(diagnostic.AdditionalLocations[0].SourceSpan, getInnermostNodeForTie: true).FirstAncestorOrSelf<StatementSyntax>();
        if (moved?.Parent is not BlockSyntax block || step is null || step.Parent != block)
        {
            return null;
        }
        return current => current.ReplaceNode(block, Move(block, moved, step));
    }

    private static BlockSyntax Move(BlockSyntax block, StatementSyntax moved, StatementSyntax step)
    {
        var statements = block.Statements.ToList();
        int from = statements.IndexOf(moved);
        // The step comes before the moved statement, so removing the latter leaves the step's index as it was.
        int to = statements.IndexOf(step);
        statements.RemoveAt(from);
        // Statements in one block share the indentation, so the moved one keeps its own trivia.
        statements.Insert(to, moved);
        return block.WithStatements(SyntaxFactory.List(statements));
    }
}
