using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace ParameterKit.Analyzers;

/// <summary>
/// Recognizes the LoRA calls (<c>LoraAdapters.Attach</c>, <c>Declare</c>, <c>Load</c>, each of which freezes the base
/// store it is given) and what the compiler can know about that store: which architecture it holds, and a key that
/// names the same store wherever it is written alike.
/// </summary>
internal static class LoraCalls
{
    /// <summary><c>LoraAdapters.Attach(store, options)</c>, <c>Declare(store, options)</c> or <c>Load(store, folder)</c>.</summary>
    public static bool IsAttach(this IInvocationOperation invocation) =>
        invocation.TargetMethod is { IsStatic: true, Name: "Attach" or "Declare" or "Load" } method &&
        method.ContainingType.Is(KnownNames.LoraAdapters);

    /// <summary>The argument bound to the parameter called <paramref name="name"/>, without conversions.</summary>
    public static IOperation? Argument(this IInvocationOperation invocation, string name) =>
        invocation.Arguments.FirstOrDefault(a => a.Parameter?.Name == name)?.Value.WithoutConversions();

    /// <summary>
    /// The architecture a store certainly holds and nothing else, or null. Certain means: the store comes straight
    /// from <c>Gpt2Model.Load</c> / <c>LlamaModel.Load</c> (a loaded store is materialized, so nothing can be declared
    /// in it afterwards) or from <c>Gpt2Config.Declare()</c> / <c>LlamaConfig.Declare()</c> written in the call itself;
    /// or through a local assigned once from such a call. A store from anywhere else may hold a model of the user's.
    /// </summary>
    public static LoraArchitecture? ArchitectureOf(IOperation store)
    {
        switch (store.WithoutConversions())
        {
            case IInvocationOperation { TargetMethod: { Name: "Declare", Parameters.Length: 0 } method }:
                return ConfigArchitecture(method.ContainingType);
            case IPropertyReferenceOperation { Property.Name: "Store", Instance: { } model }:
                return model.WithoutConversions() switch
                {
                    IInvocationOperation load => LoadedArchitecture(load),
                    ILocalReferenceOperation local => AssignedOnce(local, out var value) && value is IInvocationOperation load
                        ? LoadedArchitecture(load)
                        : null,
                    _ => null,
                };
            default:
                return null;
        }
    }

    private static LoraArchitecture? LoadedArchitecture(IInvocationOperation load) =>
        load.TargetMethod is { Name: "Load", IsStatic: true } method
            ? method.ContainingType.Is(KnownNames.Gpt2Model) ? LoraArchitecture.Gpt2
            : method.ContainingType.Is(KnownNames.LlamaModel) ? LoraArchitecture.Llama
            : null
            : null;

    private static LoraArchitecture? ConfigArchitecture(ITypeSymbol type) =>
        type.Is(KnownNames.Gpt2Config) ? LoraArchitecture.Gpt2 : type.Is(KnownNames.LlamaConfig) ? LoraArchitecture.Llama : null;

    /// <summary>True when the local is assigned exactly once, at its declaration; <paramref name="value"/> is that value.</summary>
    public static bool AssignedOnce(ILocalReferenceOperation local, out IOperation? value)
    {
        value = null;
        foreach (var operation in Descendants(local.Root()))
        {
            switch (operation)
            {
                case IVariableDeclaratorOperation declarator when SymbolEqualityComparer.Default.Equals(declarator.Symbol, local.Local):
                    value = declarator.Initializer?.Value.WithoutConversions();
                    break;
                case IAssignmentOperation { Target: ILocalReferenceOperation target } when SymbolEqualityComparer.Default.Equals(target.Local, local.Local):
                    return false;
                case IArgumentOperation { Value: ILocalReferenceOperation passed, Parameter.RefKind: not RefKind.None and not RefKind.In }
                    when SymbolEqualityComparer.Default.Equals(passed.Local, local.Local):
                    return false;
            }
        }
        return value is not null;
    }

    /// <summary>
    /// A key equal for two expressions that certainly name the same store: a local assigned once, a parameter, a field of
    /// this instance or a static one, and a parameterless property of any of these (<c>model.Store</c>). Null otherwise.
    /// </summary>
    public static string? StoreKey(IOperation store)
    {
        switch (store.WithoutConversions())
        {
            case ILocalReferenceOperation local:
                return AssignedOnce(local, out _) ? "local " + local.Local.Name : null;
            case IParameterReferenceOperation parameter:
                return "parameter " + parameter.Parameter.Name;
            case IFieldReferenceOperation { Instance: null or IInstanceReferenceOperation } field:
                return "field " + field.Field.Name;
            case IPropertyReferenceOperation { Arguments.Length: 0 } property:
                if (property.Instance is null or IInstanceReferenceOperation)
                {
                    return "property " + property.Property.Name;
                }
                return StoreKey(property.Instance) is string owner ? owner + "." + property.Property.Name : null;
            default:
                return null;
        }
    }

    /// <summary>Every operation under <paramref name="root"/>, lambdas included (a local may be used in one).</summary>
    public static IEnumerable<IOperation> Descendants(IOperation root)
    {
        var stack = new Stack<IOperation>();
        stack.Push(root);
        while (stack.Count > 0)
        {
            var current = stack.Pop();
            yield return current;
            foreach (var child in current.ChildOperations)
            {
                stack.Push(child);
            }
        }
    }
}
