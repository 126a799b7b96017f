using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace ParameterKit.Analyzers;

/// <summary>
/// PK1004: randomness without a seed where a model is built or initialized: <c>new Random()</c> or
/// <c>Random.Shared</c> inside a module, passed to a ParameterKit API that takes a <c>Random</c>
/// (<c>Materialize</c>, <c>Initializer.Fill</c>), or held in a local that is passed to one. Such a model cannot be
/// rebuilt bit for bit, so a run cannot be reproduced or a bug bisected.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class UnseededRandomAnalyzer : DiagnosticAnalyzer
{
    public const string Id = "PK1004";

    public static readonly DiagnosticDescriptor Rule = Rules.Create(
        Id,
        "Randomness without a seed in model construction",
        "'{0}' has no seed: the model's initial values change on every run; pass a seed",
        Rules.ParametersCategory,
        DiagnosticSeverity.Info,
        "ParameterKit is deterministic by default: every random choice in building or initializing a model should take a seed, so runs can be reproduced.");

    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => ImmutableArray.Create(Rule);

    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterOperationAction(AnalyzeCreation, OperationKind.ObjectCreation);
        context.RegisterOperationAction(AnalyzeShared, OperationKind.PropertyReference);
    }

    private static void AnalyzeCreation(OperationAnalysisContext context)
    {
        var creation = (IObjectCreationOperation)context.Operation;
        if (creation.Type.Is("System.Random") && creation.Arguments.Length == 0)
        {
            AnalyzeSource(context, creation);
        }
    }

    private static void AnalyzeShared(OperationAnalysisContext context)
    {
        var property = (IPropertyReferenceOperation)context.Operation;
        if (property.Property is { Name: "Shared", IsStatic: true } && property.Property.ContainingType.Is("System.Random"))
        {
            AnalyzeSource(context, property);
        }
    }

    private static void AnalyzeSource(OperationAnalysisContext context, IOperation source)
    {
        bool inModule = context.ContainingSymbol.ContainingType.InheritsFrom(KnownNames.Module);
        if (inModule || FeedsParameterKit(source) || FeedsParameterKitThroughLocal(source))
        {
            context.ReportDiagnostic(Diagnostic.Create(Rule, source.Syntax.GetLocation(), source.Syntax.ToString()));
        }
    }

    /// <summary>True when the value is passed straight to a ParameterKit parameter of type Random.</summary>
    private static bool FeedsParameterKit(IOperation value) =>
        value.ParentSkippingConversions() is IArgumentOperation { Parameter: { } parameter } &&
        parameter.Type.Is("System.Random") && parameter.ContainingSymbol.IsInParameterKit();

    /// <summary><c>var rng = new Random(); store.Materialize(rng);</c></summary>
    private static bool FeedsParameterKitThroughLocal(IOperation value)
    {
        if (value.ParentSkippingConversions() is not IVariableInitializerOperation { Parent: IVariableDeclaratorOperation declarator })
        {
            return false;
        }
        return declarator.Root().DescendantsInSameFunction().OfType<ILocalReferenceOperation>()
            .Any(r => SymbolEqualityComparer.Default.Equals(r.Local, declarator.Symbol) && FeedsParameterKit(r));
    }
}
