using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace ParameterKit.Analyzers;

/// <summary>
/// PK1003: a Weight or Embedding initialized to a constant (Init.Zeros, Init.Ones, Init.Constant(v)). Every output
/// unit then computes the same function and receives the same gradient, so the units never become different.
/// Biases and norm gains start constant on purpose, and because kinds are types this rule can tell them apart.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class ConstantWeightInitializerAnalyzer : DiagnosticAnalyzer
{
    public const string Id = "PK1003";

    /// <summary>Diagnostic property: the parameter kind, which decides the default initializer the fix writes.</summary>
    public const string KindKey = "Kind";

    public static readonly DiagnosticDescriptor Rule = Rules.Create(
        Id,
        "Weight initialized to a constant",
        "'{0}' initializes a {1} to a constant: every unit starts identical and receives the same gradient, so symmetry never breaks",
        Rules.ParametersCategory,
        DiagnosticSeverity.Warning,
        "Weights and embeddings need random initial values to break symmetry between units. Use the kind's default (Init.LinearDefault for a Weight, Init.EmbeddingDefault for an Embedding) or another random initializer.");

    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => ImmutableArray.Create(Rule);

    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterOperationAction(AnalyzeArgument, OperationKind.Argument);
        context.RegisterOperationAction(AnalyzeAssignment, OperationKind.SimpleAssignment);
    }

    private static void AnalyzeArgument(OperationAnalysisContext context)
    {
        var argument = (IArgumentOperation)context.Operation;
        if (argument.IsImplicit || argument.Parameter is not { } parameter || !parameter.Type.Is(KnownNames.Initializer))
        {
            return;
        }
        string? kind = parameter.ContainingSymbol switch
        {
            // scope.Weight(..., init: ...) and scope.Embedding(..., init: ...)
            IMethodSymbol { Name: "Weight" or "Embedding" } method when method.ContainingType.Is(KnownNames.ParameterScope) && parameter.Name == "init" => method.Name,
            // new Linear(scope, in, out, weightInit: ...): any ParameterKit module's weight initializer.
            IMethodSymbol method when method.IsInParameterKit() && parameter.Name == "weightInit" => "Weight",
            _ => null,
        };
        if (kind is not null)
        {
            Report(context, argument.Value, kind);
        }
    }

    /// <summary><c>weight.Initializer = Init.Zeros</c> on a Weight or Embedding.</summary>
    private static void AnalyzeAssignment(OperationAnalysisContext context)
    {
        var assignment = (ISimpleAssignmentOperation)context.Operation;
        if (assignment.Target is IPropertyReferenceOperation { Property.Name: "Initializer", Instance: { Type: { } owner } } &&
            (owner.Is(KnownNames.Weight) || owner.Is(KnownNames.Embedding)))
        {
            Report(context, assignment.Value, owner.Name);
        }
    }

    private static void Report(OperationAnalysisContext context, IOperation value, string kind)
    {
        var stripped = value.WithoutConversions();
        bool constant = stripped switch
        {
            IPropertyReferenceOperation { Property.Name: "Zeros" or "Ones" } property => property.Property.ContainingType.Is(KnownNames.Init),
            IInvocationOperation { TargetMethod.Name: "Constant" } call => call.TargetMethod.ContainingType.Is(KnownNames.Init),
            _ => false,
        };
        if (constant)
        {
            var properties = ImmutableDictionary<string, string?>.Empty.Add(KindKey, kind);
            context.ReportDiagnostic(Diagnostic.Create(Rule, stripped.Syntax.GetLocation(), properties, stripped.Syntax.ToString(), kind));
        }
    }
}
