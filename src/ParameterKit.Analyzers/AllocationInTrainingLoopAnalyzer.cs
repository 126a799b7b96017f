using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace ParameterKit.Analyzers;

/// <summary>
/// PK3002: an allocation inside a training loop, the loop whose own body steps an optimizer or runs a backward pass
/// (an epoch loop around it is not one, so per-epoch shuffles are left alone). Arrays, collection expressions,
/// new generic collections, LINQ's ToArray/ToList/ToDictionary/ToHashSet/ToLookup and ParameterKit methods that
/// return a new array allocate on every step, and the garbage collector then pauses the run. Buffers belong outside
/// the loop, reused.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class AllocationInTrainingLoopAnalyzer : DiagnosticAnalyzer
{
    public const string Id = "PK3002";

    public static readonly DiagnosticDescriptor Rule = Rules.Create(
        Id,
        "Allocation inside a training loop",
        "'{0}' allocates on every training step; allocate once before the loop and reuse it",
        Rules.PerformanceCategory,
        DiagnosticSeverity.Info,
        "Allocating in the loop that steps the optimizer makes garbage at every step. Allocate buffers once and reuse them.");

    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => ImmutableArray.Create(Rule);

    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterOperationAction(AnalyzeAllocation, OperationKind.ArrayCreation, OperationKind.ObjectCreation,
            OperationKind.CollectionExpression, OperationKind.Invocation);
    }

    private static bool IsLinqMaterialization(IMethodSymbol method) =>
        method.ContainingType.Is("System.Linq.Enumerable") && method.Name is "ToArray" or "ToList" or "ToDictionary" or "ToHashSet" or "ToLookup";

    /// <summary>
    /// ParameterKit's tensor-creating conveniences: its methods that return an array return a new one (the span-first
    /// core writes into the caller's buffer instead), e.g. <c>SafeTensorsFile.ReadSingles</c>.
    /// </summary>
    private static bool IsAllocatingConvenience(IMethodSymbol method) =>
        method.ReturnType is IArrayTypeSymbol && method.IsInParameterKit();

    private static void AnalyzeAllocation(OperationAnalysisContext context)
    {
        var operation = context.Operation;
        bool allocates = operation switch
        {
            // A params array or a collection expression's own backing array shows up as an implicit array creation.
            IArrayCreationOperation creation => !creation.IsImplicit,
            IObjectCreationOperation creation => creation.Type is INamedTypeSymbol { IsGenericType: true } type &&
                type.ContainingNamespace?.ToDisplayString() == "System.Collections.Generic",
            // An empty collection expression for an array is Array.Empty<T>(), which allocates nothing.
            ICollectionExpressionOperation collection => collection.Type is IArrayTypeSymbol ? collection.Elements.Length > 0
                : collection.Type is INamedTypeSymbol { IsGenericType: true, IsValueType: false },
            IInvocationOperation invocation => IsLinqMaterialization(invocation.TargetMethod) || IsAllocatingConvenience(invocation.TargetMethod),
            _ => false,
        };
        if (!allocates)
        {
            return;
        }
        for (var loop = operation.EnclosingLoop(); loop is not null; loop = loop.EnclosingLoop())
        {
            // The loop's header (a foreach collection, say) runs once, not per step.
            if (loop.Body.Syntax.Span.Contains(operation.Syntax.Span) && loop.IsTrainingLoop())
            {
                context.ReportDiagnostic(Diagnostic.Create(Rule, operation.Syntax.GetLocation(), operation.Syntax.ToString()));
                return;
            }
        }
    }
}
