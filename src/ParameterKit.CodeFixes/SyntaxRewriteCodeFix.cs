using System.Collections.Immutable;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis.CodeActions;

namespace ParameterKit.CodeFixes;

/// <summary>
/// The shape every ParameterKit code fix shares, written once: one diagnostic id, one action per diagnostic that
/// rewrites the document's syntax root, and the batch fixer for fix-all. A fix says only which diagnostics it can fix
/// and how (<see cref="Plan"/>).
/// </summary>
/// <remarks>
/// The batch fixer computes each diagnostic's fix against the original document and merges them; fixes that touch
/// the same node overlap, and fix-all then completes the second on its next pass.
/// </remarks>
public abstract class SyntaxRewriteCodeFix : CodeFixProvider
{
    private readonly string _diagnosticId;

    /// <summary>Fixes <paramref name="diagnosticId"/> with actions titled <paramref name="title"/>.</summary>
    /// <param name="diagnosticId">The analyzer's diagnostic id (PK....).</param>
    /// <param name="title">The action's title, which is also its equivalence key for fix-all.</param>
    protected SyntaxRewriteCodeFix(string diagnosticId, string title)
    {
        _diagnosticId = diagnosticId;
        Title = title;
    }

    /// <summary>The action's title and fix-all equivalence key.</summary>
    protected string Title { get; }

    /// <inheritdoc />
    public sealed override ImmutableArray<string> FixableDiagnosticIds => ImmutableArray.Create(_diagnosticId);

    /// <inheritdoc />
    public sealed override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    /// <inheritdoc />
    public sealed override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        if (root is null)
        {
            return;
        }
        foreach (var diagnostic in context.Diagnostics)
        {
            if (Plan(root, diagnostic) is not Func<SyntaxNode, SyntaxNode> rewrite)
            {
                continue;
            }
            var document = context.Document;
            context.RegisterCodeFix(
                CodeAction.Create(TitleOf(diagnostic), ct => RewriteAsync(document, rewrite, ct), equivalenceKey: Title),
                diagnostic);
        }
    }

    /// <summary>
    /// How <paramref name="diagnostic"/> is fixed: a function from the document's syntax root to the fixed root, or
    /// <see langword="null"/> when this occurrence has no safe fix (no action is offered).
    /// </summary>
    /// <param name="root">The document's syntax root.</param>
    /// <param name="diagnostic">One diagnostic of <see cref="FixableDiagnosticIds"/>.</param>
    protected abstract Func<SyntaxNode, SyntaxNode>? Plan(SyntaxNode root, Diagnostic diagnostic);

    /// <summary>The title shown for fixing <paramref name="diagnostic"/>; <see cref="Title"/> unless a fix names its edit more exactly.</summary>
    /// <param name="diagnostic">The diagnostic being fixed.</param>
    protected virtual string TitleOf(Diagnostic diagnostic) => Title;

    private static async Task<Document> RewriteAsync(Document document, Func<SyntaxNode, SyntaxNode> rewrite, CancellationToken cancellationToken)
    {
        var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        return document.WithSyntaxRoot(rewrite(root!));
    }
}
