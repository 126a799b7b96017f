using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace ParameterKit.Analyzers;

/// <summary>
/// PK1001: a module declares a parameter or child module that its model will never see. Scopes make every parameter
/// registered somewhere, so the two ways to lose one are (a) declaring it through a store the module creates itself,
/// which no optimizer, checkpoint or count of the model reaches, and (b) declaring parameters or child modules in a
/// constructor into a local array or list that nothing ever reads, so forward can never use them: they are counted
/// and saved but only ever decay.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class ForeignScopeAnalyzer : DiagnosticAnalyzer
{
    public const string Id = "PK1001";

    /// <summary>Diagnostic property naming what the code fix replaces with the module's <c>Scope</c>.</summary>
    public const string ReplaceKey = "Replace";
    public const string ReplaceStore = "Store";
    public const string ReplaceRoot = "Root";

    public static readonly DiagnosticDescriptor Rule = Rules.Create(
        Id,
        "Parameter or module not registered with the model",
        "'{0}' {1}",
        Rules.ParametersCategory,
        DiagnosticSeverity.Warning,
        "A module must declare its parameters and child modules through its own Scope. Parameters declared through a store the module creates are never trained, saved or counted with the model; parameters kept only in a local collection can never be used.");

    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => ImmutableArray.Create(Rule);

    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterOperationAction(AnalyzeInvocation, OperationKind.Invocation);
        context.RegisterOperationAction(AnalyzeCreation, OperationKind.ObjectCreation);
        context.RegisterOperationBlockAction(AnalyzeConstructorBody);
    }

    private static bool InModule(ISymbol containing) => containing.ContainingType.InheritsFrom(KnownNames.Module);

    private static void AnalyzeInvocation(OperationAnalysisContext context)
    {
        var invocation = (IInvocationOperation)context.Operation;
        if (invocation.Instance is null || !InModule(context.ContainingSymbol) || !IsDeclaration(invocation.TargetMethod))
        {
            return;
        }
        ReportForeignStore(context, invocation.Instance, invocation.TargetMethod.Name);
    }

    private static void AnalyzeCreation(OperationAnalysisContext context)
    {
        var creation = (IObjectCreationOperation)context.Operation;
        if (creation.Type is null || !creation.Type.InheritsFrom(KnownNames.Module) || !InModule(context.ContainingSymbol))
        {
            return;
        }
        var scopeArgument = creation.Arguments.FirstOrDefault(a => a.Parameter?.Type.Is(KnownNames.ParameterScope) == true);
        if (scopeArgument is not null)
        {
            ReportForeignStore(context, scopeArgument.Value, creation.Type.Name);
        }
    }

    /// <summary>The scope methods that declare a parameter: Weight, Bias, Embedding, NormGain and Tie.</summary>
    internal static bool IsDeclaration(IMethodSymbol method) =>
        method.ContainingType.Is(KnownNames.ParameterScope) && method.Name is "Weight" or "Bias" or "Embedding" or "NormGain" or "Tie";

    private static void ReportForeignStore(OperationAnalysisContext context, IOperation scope, string declared)
    {
        // Walk the scope expression down to the store it came from: x.Scope("a").Scope(0) -> x, store.Root -> store.
        var current = scope.WithoutConversions();
        string replace = ReplaceStore;
        while (true)
        {
            if (current is IInvocationOperation { TargetMethod.Name: "Scope", Instance: { } instance } call &&
                (call.TargetMethod.ContainingType.Is(KnownNames.ParameterScope) || call.TargetMethod.ContainingType.Is(KnownNames.ParameterStore)))
            {
                current = instance.WithoutConversions();
                replace = ReplaceStore;
            }
            else if (current is IPropertyReferenceOperation { Property.Name: "Root", Instance: { } store } root &&
                     root.Property.ContainingType.Is(KnownNames.ParameterStore))
            {
                current = store.WithoutConversions();
                replace = ReplaceRoot;
            }
            else
            {
                break;
            }
        }
        // A static member (a factory such as Gpt2Model.Create) does not run while a module is built: a new store there
        // is a new, whole model, which is the right way to make one, not a part of this module that goes missing.
        if (context.ContainingSymbol.IsStatic || !current.Type.Is(KnownNames.ParameterStore) || !IsStoreCreatedHere(current, context.ContainingSymbol.ContainingType))
        {
            return;
        }
        var properties = ImmutableDictionary<string, string?>.Empty.Add(ReplaceKey, replace);
        context.ReportDiagnostic(Diagnostic.Create(Rule, current.Syntax.GetLocation(), properties, declared,
            "is declared through a store the module creates itself; the model's optimizer, checkpoints and counts never see it"));
    }

    /// <summary>
    /// True for <c>new ParameterStore()</c>, a local initialized with one, or a field of the module initialized with
    /// one: the stores a module made for itself. Stores passed in from outside may well be the model's own.
    /// </summary>
    private static bool IsStoreCreatedHere(IOperation store, INamedTypeSymbol module)
    {
        switch (store)
        {
            case IObjectCreationOperation:
                return true;
            case ILocalReferenceOperation local:
                return InitializerOf(local.Local, store) is IObjectCreationOperation;
            case IFieldReferenceOperation field when SymbolEqualityComparer.Default.Equals(field.Field.ContainingType, module):
                return field.Field.DeclaringSyntaxReferences.Any(r =>
                    r.GetSyntax() is VariableDeclaratorSyntax { Initializer.Value: BaseObjectCreationExpressionSyntax });
            default:
                return false;
        }
    }

    private static IOperation? InitializerOf(ILocalSymbol local, IOperation anyInSameBody)
    {
        foreach (var op in anyInSameBody.Root().DescendantsInSameFunction())
        {
            if (op is IVariableDeclaratorOperation declarator && SymbolEqualityComparer.Default.Equals(declarator.Symbol, local))
            {
                return declarator.GetVariableInitializer()?.Value.WithoutConversions();
            }
        }
        return null;
    }

    private static void AnalyzeConstructorBody(OperationBlockAnalysisContext context)
    {
        if (context.OwningSymbol is not IMethodSymbol { MethodKind: MethodKind.Constructor } constructor ||
            !constructor.ContainingType.InheritsFrom(KnownNames.Module))
        {
            return;
        }
        foreach (var block in context.OperationBlocks)
        {
            // Every reference counts, including those in lambdas and local functions: a lambda that reads the
            // collection (a forward delegate, say) is a use.
            var operations = block.Descendants().ToList();
            foreach (var declarator in operations.OfType<IVariableDeclaratorOperation>())
            {
                if (!HoldsParametersOrModules(declarator.Symbol.Type))
                {
                    continue;
                }
                var references = operations.OfType<ILocalReferenceOperation>()
                    .Where(r => SymbolEqualityComparer.Default.Equals(r.Local, declarator.Symbol)).ToList();
                if (references.Any(IsFilling) && references.All(r => IsFilling(r) || IsSizeRead(r)))
                {
                    context.ReportDiagnostic(Diagnostic.Create(Rule, declarator.Syntax.GetLocation(), declarator.Symbol.Name,
                        "is filled with parameters or modules that nothing ever reads; they are counted and saved but forward can never use them: keep them in a field or property"));
                }
            }
        }
    }

    /// <summary>Arrays and generic collections whose elements are parameters or modules.</summary>
    private static bool HoldsParametersOrModules(ITypeSymbol type)
    {
        ITypeSymbol? element = type switch
        {
            IArrayTypeSymbol array => array.ElementType,
            INamedTypeSymbol { IsGenericType: true, TypeArguments.Length: 1 } named
                when named.ContainingNamespace?.ToDisplayString() == "System.Collections.Generic" => named.TypeArguments[0],
            _ => null,
        };
        return element.InheritsFrom(KnownNames.Parameter) || element.InheritsFrom(KnownNames.Module);
    }

    /// <summary><c>list.Add(x)</c>, <c>list.Insert(i, x)</c>, <c>array[i] = x</c>, <c>list[i] = x</c>.</summary>
    private static bool IsFilling(ILocalReferenceOperation reference)
    {
        var parent = reference.Parent;
        if (parent is IInvocationOperation { TargetMethod.Name: "Add" or "Insert" or "AddRange" } call && call.Instance == reference)
        {
            return true;
        }
        if (parent is IArrayElementReferenceOperation element && element.ArrayReference == reference)
        {
            return element.Parent is ISimpleAssignmentOperation assignment && assignment.Target == element;
        }
        if (parent is IPropertyReferenceOperation { Property.IsIndexer: true } indexer && indexer.Instance == reference)
        {
            return indexer.Parent is ISimpleAssignmentOperation assignment && assignment.Target == indexer;
        }
        return false;
    }

    private static bool IsSizeRead(ILocalReferenceOperation reference) =>
        reference.Parent is IPropertyReferenceOperation { Property.Name: "Length" or "Count" } property && property.Instance == reference;
}
