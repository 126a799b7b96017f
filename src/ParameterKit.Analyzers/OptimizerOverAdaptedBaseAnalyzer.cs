using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace ParameterKit.Analyzers;

/// <summary>
/// PK2003: an optimizer built over the store that LoRA adapters were attached to, in a method that builds none over the
/// adapters' own store (<c>lora.Store</c>). The adapters' A and B live in that store, not in the base's, so such an
/// optimizer never trains them: the base is frozen by the attach, and the optimizer either throws ("no trainable
/// parameter") or, after an <c>Unfreeze</c>, fine-tunes the whole base while the adapters stay at B = 0.
/// </summary>
/// <remarks>
/// Both stores being optimized (the adapters', plus some unfrozen base parameters, as PEFT's <c>modules_to_save</c>)
/// is a deliberate choice and is not reported. The stores are compared by how they are written (see
/// <see cref="LoraCalls.StoreKey"/>); order in the method does not matter, since an optimizer made before the attach
/// steps the same frozen parameters.
/// </remarks>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class OptimizerOverAdaptedBaseAnalyzer : DiagnosticAnalyzer
{
    public const string Id = "PK2003";

    /// <summary>Diagnostic property: the expression of the adapters' store (<c>lora.Store</c>) the code fix writes instead.</summary>
    public const string AdaptersStoreProperty = "AdaptersStore";

    public static readonly DiagnosticDescriptor Rule = Rules.Create(
        Id,
        "Optimizer over the base model instead of the LoRA adapters",
        "'{0}' is the store LoRA adapters were attached to: its parameters are frozen and the adapters are not in it, so this optimizer never trains them; build it over {1}",
        Rules.TrainingCategory,
        DiagnosticSeverity.Warning,
        "LoraAdapters.Attach, Declare and Load freeze the base model and keep the adapters in a store of their own, LoraAdapters.Store. An optimizer over the base store throws (no trainable parameter) or, if the base was unfrozen, fine-tunes the whole model and leaves the adapters untrained.");

    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => ImmutableArray.Create(Rule);

    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterOperationAction(AnalyzeCreation, OperationKind.ObjectCreation);
    }

    private static void AnalyzeCreation(OperationAnalysisContext context)
    {
        var creation = (IObjectCreationOperation)context.Operation;
        if (!creation.Type.InheritsFrom(KnownNames.Optimizer) || StoreArgument(creation) is not { } store ||
            LoraCalls.StoreKey(store) is not string key)
        {
            return;
        }
        var operations = LoraCalls.Descendants(creation.Root()).ToList();
        var attach = operations.OfType<IInvocationOperation>()
            .Where(call => call.IsAttach() && call.Argument("baseStore") is { } baseStore && LoraCalls.StoreKey(baseStore) == key)
            .OrderBy(call => call.Syntax.SpanStart)
            .FirstOrDefault();
        bool adaptersTrained = operations.OfType<IObjectCreationOperation>().Any(other =>
            other.Type.InheritsFrom(KnownNames.Optimizer) &&
            StoreArgument(other) is IPropertyReferenceOperation { Property.Name: "Store", Instance: { } owner } &&
            owner.Type.Is(KnownNames.LoraAdapters));
        if (attach is null || adaptersTrained)
        {
            return;
        }
        string? adapters = AdaptersExpression(attach);
        var properties = adapters is null
            ? ImmutableDictionary<string, string?>.Empty
            : ImmutableDictionary<string, string?>.Empty.Add(AdaptersStoreProperty, adapters + ".Store");
        context.ReportDiagnostic(Diagnostic.Create(Rule, store.Syntax.GetLocation(), properties,
            store.Syntax.ToString(), adapters is null ? "the store of the LoraAdapters that call returns (keep it in a variable)" : $"'{adapters}.Store'"));
    }

    /// <summary>The argument of type ParameterStore an optimizer's constructor takes.</summary>
    private static IOperation? StoreArgument(IObjectCreationOperation creation) =>
        creation.Arguments.FirstOrDefault(a => a.Parameter?.Type.Is(KnownNames.ParameterStore) == true)?.Value.WithoutConversions();

    /// <summary>Where the attach call's result is kept (<c>lora</c>, <c>_lora</c>, <c>this.Lora</c>), or null when it is not.</summary>
    private static string? AdaptersExpression(IInvocationOperation attach) =>
        attach.ParentSkippingConversions() switch
        {
            IVariableInitializerOperation { Parent: IVariableDeclaratorOperation declarator } => declarator.Symbol.Name,
            ISimpleAssignmentOperation { Target: var target } => target.Syntax.ToString(),
            _ => null,
        };
}
