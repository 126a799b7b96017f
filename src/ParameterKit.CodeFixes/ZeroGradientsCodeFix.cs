using System.Linq;

namespace ParameterKit.CodeFixes;

/// <summary>
/// PK2001: inserts <c>optimizer.ZeroGradients();</c>. When the step runs in every iteration (its statement sits
/// directly in the loop body), the call goes before the first statement of the body that runs a backward pass, or
/// first in the body when there is none. When the step sits in a branch (gradient accumulation), zeroing before each
/// backward would throw the accumulated micro-batches away, so the call goes right after the step instead.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(ZeroGradientsCodeFix)), Shared]
public sealed class ZeroGradientsCodeFix() : SyntaxRewriteCodeFix(GradientsNeverZeroedAnalyzer.Id, "Zero the gradients in each iteration")
{
    /// <inheritdoc />
    protected override Func<SyntaxNode, SyntaxNode>? Plan(SyntaxNode root, Diagnostic diagnostic)
    {
        if (root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true) is not InvocationExpressionSyntax step ||
            step.FirstAncestorOrSelf<StatementSyntax>() is not { Parent: BlockSyntax } stepStatement ||
            LoopBody(step) is not BlockSyntax body)
        {
            return null;
        }
        return current => Insert(current, step, stepStatement, body);
    }

    private static StatementSyntax? LoopBody(SyntaxNode node)
    {
        foreach (var ancestor in node.Ancestors())
        {
            switch (ancestor)
            {
                case ForStatementSyntax loop:
                    return loop.Statement;
                case ForEachStatementSyntax loop:
                    return loop.Statement;
                case WhileStatementSyntax loop:
                    return loop.Statement;
                case DoStatementSyntax loop:
                    return loop.Statement;
                case AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax:
                    return null;
            }
        }
        return null;
    }

    private static SyntaxNode Insert(SyntaxNode root, InvocationExpressionSyntax step, StatementSyntax stepStatement, BlockSyntax body)
    {
        // optimizer.Step() -> optimizer.ZeroGradients(); a bare Step() (inside an optimizer) -> ZeroGradients().
        string receiver = step.Expression is MemberAccessExpressionSyntax access ? access.Expression + "." : "";
        var zero = SyntaxFactory.ParseStatement(receiver + "ZeroGradients();");

        if (stepStatement.Parent == body)
        {
            var backward = body.Statements.FirstOrDefault(s => s.DescendantNodesAndSelf().OfType<InvocationExpressionSyntax>().Any(IsBackward));
            var anchor = backward ?? body.Statements.First();
            return root.InsertNodesBefore(anchor, [LikeLineOf(zero, anchor)]);
        }
        return root.InsertNodesAfter(stepStatement, [LikeLineOf(zero, stepStatement)]);
    }

    /// <summary>The new statement on a line of its own, indented like its neighbour (without copying its comments).</summary>
    private static StatementSyntax LikeLineOf(StatementSyntax statement, StatementSyntax neighbour)
    {
        var indentation = neighbour.GetLeadingTrivia().Where(t => t.IsKind(SyntaxKind.WhitespaceTrivia)).LastOrDefault();
        var endOfLine = neighbour.GetTrailingTrivia().Where(t => t.IsKind(SyntaxKind.EndOfLineTrivia)).DefaultIfEmpty(SyntaxFactory.LineFeed).First();
        return statement.WithLeadingTrivia(indentation).WithTrailingTrivia(endOfLine);
    }

    private static bool IsBackward(InvocationExpressionSyntax invocation) => invocation.Expression switch
    {
        MemberAccessExpressionSyntax access => access.Name.Identifier.ValueText == "Backward",
        IdentifierNameSyntax name => name.Identifier.ValueText == "Backward",
        _ => false,
    };
}
