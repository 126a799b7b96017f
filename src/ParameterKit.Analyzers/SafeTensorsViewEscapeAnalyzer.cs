using System;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace ParameterKit.Analyzers;

/// <summary>
/// PK4001: a zero-copy view (a Span, ReadOnlySpan, Memory or ReadOnlyMemory member result) from a
/// <c>SafeTensorsFile</c> held by a <c>using</c> local escapes that using scope: returned, stored in a field or
/// property, or captured by a lambda or local function, either directly or through a local it was assigned to.
/// The view points into the file's memory map, which the end of the using scope unmaps.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class SafeTensorsViewEscapeAnalyzer : DiagnosticAnalyzer
{
    public const string Id = "PK4001";

    public static readonly DiagnosticDescriptor Rule = Rules.Create(
        Id,
        "Zero-copy safetensors view escapes its file's using scope",
        "The view from '{0}' is {1} but the file '{2}' is disposed at the end of its using scope; copy the data (ToArray(), CopyTo) instead",
        Rules.LifetimeCategory,
        DiagnosticSeverity.Warning,
        "Views returned by SafeTensorsFile point into the file's memory map and live no longer than the file. Copy the data out before the file is disposed.");

    /// <summary>Diagnostic property set when copying at the reported expression fixes it (returned or stored, not captured).</summary>
    public const string CopyableKey = "Copyable";

    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => ImmutableArray.Create(Rule);

    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        // A block action, not an operation action: the diagnostic lands where the view escapes, which may be far from
        // the call that made it, and only a block action keeps such a diagnostic local (and so fixable).
        context.RegisterOperationBlockAction(AnalyzeBlock);
    }

    private static void AnalyzeBlock(OperationBlockAnalysisContext context)
    {
        foreach (var block in context.OperationBlocks)
        {
            foreach (var operation in block.Descendants())
            {
                if (operation is IInvocationOperation or IPropertyReferenceOperation)
                {
                    AnalyzeView(context.ReportDiagnostic, operation);
                }
            }
        }
    }

    private static void AnalyzeView(Action<Diagnostic> report, IOperation view)
    {
        var (instance, member) = view switch
        {
            IInvocationOperation call => (call.Instance, call.TargetMethod.Name),
            IPropertyReferenceOperation property => (property.Instance, property.Property.Name),
            _ => (null, ""),
        };
        if (instance?.WithoutConversions() is not ILocalReferenceOperation file || !file.Local.Type.Is(KnownNames.SafeTensorsFile) ||
            !view.Type.IsMemoryView() || !IsUsingLocal(file.Local))
        {
            return;
        }
        // A view taken inside a lambda from a file the lambda captured may be taken while the file is open or after:
        // only views taken in the function that declares the file are judged.
        var function = EnclosingFunction(view);
        if (DeclaratorOf(file.Local, view) is not { } fileDeclarator || EnclosingFunction(fileDeclarator) != function)
        {
            return;
        }
        if (Escape(view) is { } escape)
        {
            Report(report, escape.Site, member, escape.How, file.Local.Name);
            return;
        }
        // One hop through a local: var bytes = file.GetMemory(t); ... return bytes;
        if (view.ParentSkippingConversions() is IVariableInitializerOperation { Parent: IVariableDeclaratorOperation declarator })
        {
            foreach (var reference in view.Root().Descendants().OfType<ILocalReferenceOperation>()
                         .Where(r => SymbolEqualityComparer.Default.Equals(r.Local, declarator.Symbol)))
            {
                if (EnclosingFunction(reference) != function)
                {
                    Report(report, reference, member, "captured by a lambda or local function", file.Local.Name, copyable: false);
                }
                else if (Escape(reference) is { } hop)
                {
                    Report(report, hop.Site, member, hop.How, file.Local.Name);
                }
            }
        }
    }

    private static void Report(Action<Diagnostic> report, IOperation site, string member, string how, string file, bool copyable = true)
    {
        // A copy inside a lambda would be taken when the lambda runs, after the file is gone: only returned and
        // stored views can be fixed by copying where they are reported.
        var properties = copyable ? ImmutableDictionary<string, string?>.Empty.Add(CopyableKey, "true") : ImmutableDictionary<string, string?>.Empty;
        report(Diagnostic.Create(Rule, site.Syntax.GetLocation(), properties, member, how, file));
    }

    /// <summary>Returned, or assigned to something that outlives the method (a field or a property).</summary>
    private static (IOperation Site, string How)? Escape(IOperation value)
    {
        var parent = value.ParentSkippingConversions();
        if (parent is IReturnOperation)
        {
            return (value, "returned");
        }
        if (parent is ISimpleAssignmentOperation assignment && assignment.Value.WithoutConversions() == value)
        {
            switch (assignment.Target)
            {
                case IFieldReferenceOperation field:
                    return (value, $"stored in field '{field.Field.Name}'");
                case IPropertyReferenceOperation property:
                    return (value, $"stored in property '{property.Property.Name}'");
            }
        }
        return null;
    }

    /// <summary>The nearest lambda or local function around the operation, or null in the method body itself.</summary>
    private static IOperation? EnclosingFunction(IOperation operation)
    {
        for (var current = operation.Parent; current is not null; current = current.Parent)
        {
            if (current.IsFunctionBoundary())
            {
                return current;
            }
        }
        return null;
    }

    private static IVariableDeclaratorOperation? DeclaratorOf(ILocalSymbol local, IOperation anywhere) =>
        anywhere.Root().Descendants().OfType<IVariableDeclaratorOperation>()
            .FirstOrDefault(d => SymbolEqualityComparer.Default.Equals(d.Symbol, local));

    /// <summary>A local declared by <c>using var f = ...;</c> or <c>using (var f = ...)</c>.</summary>
    private static bool IsUsingLocal(ILocalSymbol local) =>
        local.IsUsing ||
        local.DeclaringSyntaxReferences.Any(r => r.GetSyntax() is VariableDeclaratorSyntax { Parent: VariableDeclarationSyntax { Parent: UsingStatementSyntax or LocalDeclarationStatementSyntax { UsingKeyword.RawKind: (int)SyntaxKind.UsingKeyword } } });
}
