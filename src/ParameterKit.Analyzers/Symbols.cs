using Microsoft.CodeAnalysis;

namespace ParameterKit.Analyzers;

/// <summary>Name-based symbol tests shared by the rules (see <see cref="KnownNames"/> for why names).</summary>
internal static class Symbols
{
    private static readonly SymbolDisplayFormat QualifiedName = new(
        typeQualificationStyle: SymbolDisplayTypeQualificationStyle.NameAndContainingTypesAndNamespaces,
        genericsOptions: SymbolDisplayGenericsOptions.None);

    /// <summary>The namespace-qualified name without generic arguments, e.g. <c>ParameterKit.Modules.Linear</c>.</summary>
    public static string FullName(this ITypeSymbol type) => type.ToDisplayString(QualifiedName);

    public static bool Is(this ITypeSymbol? type, string fullName) => type is not null && type.FullName() == fullName;

    /// <summary>True when <paramref name="type"/> is <paramref name="fullName"/> or derives from it.</summary>
    public static bool InheritsFrom(this ITypeSymbol? type, string fullName)
    {
        for (var current = type; current is not null; current = current.BaseType)
        {
            if (current.FullName() == fullName)
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>True for members declared anywhere in the ParameterKit library (namespace <c>ParameterKit</c> or below).</summary>
    public static bool IsInParameterKit(this ISymbol symbol)
    {
        var ns = symbol.ContainingNamespace;
        while (ns is not null && !ns.IsGlobalNamespace)
        {
            if (ns.ContainingNamespace is { IsGlobalNamespace: true } && ns.Name == KnownNames.RootNamespace)
            {
                return true;
            }
            ns = ns.ContainingNamespace;
        }
        return false;
    }

    /// <summary>Span, ReadOnlySpan, Memory or ReadOnlyMemory: the views that alias someone else's memory.</summary>
    public static bool IsMemoryView(this ITypeSymbol? type) =>
        type is INamedTypeSymbol { IsGenericType: true } named &&
        named.ContainingNamespace?.ToDisplayString() == "System" &&
        named.Name is "Span" or "ReadOnlySpan" or "Memory" or "ReadOnlyMemory";
}
