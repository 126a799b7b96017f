using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace ParameterKit.Analyzers;

/// <summary>
/// PK2001: an optimizer steps inside a loop whose body runs a backward pass but never zeroes the gradients. Backward
/// adds into the gradient buffer, so without a ZeroGradients call every step applies the sum of all gradients so far.
/// Zeroing anywhere in the innermost loop around the step counts, including inside the branch that steps every k
/// micro-batches (gradient accumulation); zeroing only before the loop does not, because it runs once. A loop with no
/// backward pass in it (gradients written directly, as optimizer tests do) overwrites rather than accumulates.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class GradientsNeverZeroedAnalyzer : DiagnosticAnalyzer
{
    public const string Id = "PK2001";

    public static readonly DiagnosticDescriptor Rule = Rules.Create(
        Id,
        "Optimizer steps in a loop that never zeroes the gradients",
        "'{0}' runs in a loop that never calls ZeroGradients: gradients accumulate across iterations and every step applies their running sum",
        Rules.TrainingCategory,
        DiagnosticSeverity.Warning,
        "Backward adds into the gradient buffer. Call optimizer.ZeroGradients() (or store.ZeroGradients()) in every iteration that steps, before the next backward pass.");

    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => ImmutableArray.Create(Rule);

    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterOperationAction(AnalyzeInvocation, OperationKind.Invocation);
    }

    private static void AnalyzeInvocation(OperationAnalysisContext context)
    {
        var step = (IInvocationOperation)context.Operation;
        if (!step.IsOptimizerStep() || step.EnclosingLoop() is not { } loop)
        {
            return;
        }
        var calls = loop.Body.DescendantsInSameFunction().OfType<IInvocationOperation>().ToList();
        if (calls.Any(i => i.IsBackward()) && !calls.Any(i => i.IsZeroGradients()))
        {
            context.ReportDiagnostic(Diagnostic.Create(Rule, step.Syntax.GetLocation(), step.Syntax.ToString()));
        }
    }
}
