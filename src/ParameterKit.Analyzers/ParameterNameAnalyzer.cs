using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace ParameterKit.Analyzers;

/// <summary>
/// PK1002: a constant parameter name declared twice under the same scope in one member, or a constant name or scope
/// segment that contains the path separator '.'. Both throw when the model is built; this says so where it is typed.
/// Weight and NormGain both default to the name "weight", so a Weight and a NormGain on one scope collide too.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class ParameterNameAnalyzer : DiagnosticAnalyzer
{
    public const string Id = "PK1002";

    public static readonly DiagnosticDescriptor Rule = Rules.Create(
        Id,
        "Duplicate or invalid parameter name",
        "Name '{0}' {1}",
        Rules.ParametersCategory,
        DiagnosticSeverity.Warning,
        "Each parameter name may be declared once per scope, and a name segment may not contain the path separator '.': nested names are made with nested scopes.");

    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => ImmutableArray.Create(Rule);

    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterOperationBlockAction(AnalyzeBlock);
    }

    private static void AnalyzeBlock(OperationBlockAnalysisContext context)
    {
        foreach (var block in context.OperationBlocks)
        {
            var operations = block.DescendantsInSameFunction().Prepend(block).ToList();
            var reassigned = new HashSet<ISymbol>(operations.OfType<ISimpleAssignmentOperation>()
                .Select(a => a.Target is ILocalReferenceOperation l ? l.Local : null).OfType<ISymbol>(), SymbolEqualityComparer.Default);
            var seen = new Dictionary<(string Scope, string Name), IInvocationOperation>();
            // In source order, so the first declaration stays silent and the later ones are reported.
            foreach (var invocation in operations.OfType<IInvocationOperation>().OrderBy(i => i.Syntax.SpanStart))
            {
                var nameArgument = invocation.Arguments.FirstOrDefault(a => a.Parameter?.Name == "name");
                if (nameArgument is null || !NamesSegment(invocation.TargetMethod) ||
                    NameOf(nameArgument) is not string name)
                {
                    continue;
                }
                var location = nameArgument.IsImplicit ? invocation.Syntax.GetLocation() : nameArgument.Value.Syntax.GetLocation();
                if (name.IndexOf('.') >= 0)
                {
                    context.ReportDiagnostic(Diagnostic.Create(Rule, location, name,
                        "contains the path separator '.'; declare each segment with a nested Scope(...)"));
                    continue;
                }
                if (!ForeignScopeAnalyzer.IsDeclaration(invocation.TargetMethod) ||
                    invocation.Instance is null || ScopeKey(invocation.Instance, reassigned) is not string scope)
                {
                    continue;
                }
                if (seen.TryGetValue((scope, name), out var first) && !InExclusiveBranches(first.Syntax, invocation.Syntax))
                {
                    context.ReportDiagnostic(Diagnostic.Create(Rule, location, name,
                        $"is already declared under '{scope}' by the {first.TargetMethod.Name} above; each name may be declared once per scope"));
                }
                else
                {
                    seen[(scope, name)] = invocation;
                }
            }
        }
    }

    /// <summary>Methods whose <c>name</c> argument becomes one path segment.</summary>
    private static bool NamesSegment(IMethodSymbol method) =>
        ForeignScopeAnalyzer.IsDeclaration(method) ||
        (method.Name is "Scope" or "NameOf" &&
         (method.ContainingType.Is(KnownNames.ParameterScope) || method.ContainingType.Is(KnownNames.ParameterStore)));

    /// <summary>The constant name passed, or the parameter's default when the argument is omitted.</summary>
    private static string? NameOf(IArgumentOperation argument)
    {
        if (argument.IsImplicit || argument.ArgumentKind == ArgumentKind.DefaultValue)
        {
            return argument.Parameter is { HasExplicitDefaultValue: true, ExplicitDefaultValue: string value } ? value : null;
        }
        return argument.Value.ConstantValue is { HasValue: true, Value: string constant } ? constant : null;
    }

    /// <summary>
    /// A key that names the same scope whenever two receivers are written alike: locals that are assigned only at their
    /// declaration, parameters, fields, properties and <c>Scope(...)</c> calls with constant arguments. Anything else
    /// (a loop index, a call) could name a different scope each time, so it gets no key.
    /// </summary>
    private static string? ScopeKey(IOperation receiver, HashSet<ISymbol> reassigned)
    {
        switch (receiver.WithoutConversions())
        {
            case ILocalReferenceOperation local:
                return reassigned.Contains(local.Local) ? null : local.Local.Name;
            case IParameterReferenceOperation parameter:
                return parameter.Parameter.Name;
            case IPropertyReferenceOperation { Arguments.Length: 0 } property:
                return property.Instance is null or IInstanceReferenceOperation
                    ? property.Property.Name
                    : ScopeKey(property.Instance, reassigned) is string owner ? owner + "." + property.Property.Name : null;
            case IFieldReferenceOperation field:
                return field.Instance is null or IInstanceReferenceOperation ? field.Field.Name : null;
            case IInvocationOperation { TargetMethod.Name: "Scope", Instance: { } instance, Arguments.Length: 1 } call
                when call.Arguments[0].Value.ConstantValue.HasValue:
                return ScopeKey(instance, reassigned) is string parent
                    ? parent + ".Scope(" + call.Arguments[0].Value.Syntax.ToString() + ")"
                    : null;
            default:
                return null;
        }
    }

    /// <summary>Two declarations in different arms of one if, switch or conditional never both run.</summary>
    private static bool InExclusiveBranches(SyntaxNode first, SyntaxNode second)
    {
        var common = first.Ancestors().First(a => a.Span.Contains(second.Span));
        return common is IfStatementSyntax or SwitchStatementSyntax or SwitchExpressionSyntax or ConditionalExpressionSyntax;
    }
}
