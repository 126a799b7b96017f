using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace ParameterKit.Analyzers;

/// <summary>
/// PK1005: a constant LoRA target pattern (an element of <c>LoraOptions.TargetModules</c>) that can select no linear
/// layer. <c>LoraAdapters.Attach</c> throws on it at run time, after the model has loaded; this says so where it is
/// typed, with the nearest layer name.
/// </summary>
/// <remarks>
/// Conservative by design, because a store may hold a model of the user's whose layers are named anything: the pattern
/// is checked against an architecture's layer names only when the store the options go to certainly holds that
/// architecture alone (see <see cref="LoraCalls.ArchitectureOf"/>). For any other store, only patterns that no layer of
/// any model can match are reported: a last segment <c>weight</c> or <c>bias</c> (a parameter, not a layer) and an empty
/// segment. Only constant strings written in the initializer are read.
/// </remarks>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class LoraTargetPatternAnalyzer : DiagnosticAnalyzer
{
    public const string Id = "PK1005";

    /// <summary>Diagnostic property: the pattern the code fix writes instead, when there is a mechanical one.</summary>
    public const string ReplacementProperty = "Replacement";

    public static readonly DiagnosticDescriptor Rule = Rules.Create(
        Id,
        "LoRA target pattern matches no linear layer",
        "LoRA target '{0}' {1}",
        Rules.ParametersCategory,
        DiagnosticSeverity.Warning,
        "LoraAdapters.Attach and Declare throw when a target pattern selects no linear layer. Targets name layers (c_attn, q_proj), not parameters (c_attn.weight), and only linear layers take adapters.");

    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => ImmutableArray.Create(Rule);

    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterOperationAction(AnalyzeAssignment, OperationKind.SimpleAssignment);
    }

    private static void AnalyzeAssignment(OperationAnalysisContext context)
    {
        var assignment = (ISimpleAssignmentOperation)context.Operation;
        if (assignment.Target is not IPropertyReferenceOperation { Property.Name: "TargetModules" } property ||
            !property.Property.ContainingType.Is(KnownNames.LoraOptions))
        {
            return;
        }
        var architecture = ArchitectureOfOptions(assignment);
        foreach (var element in ConstantElements(assignment.Value))
        {
            if (element.ConstantValue is { HasValue: true, Value: string pattern } &&
                Problem(pattern, architecture, out string? replacement) is string problem)
            {
                var properties = replacement is null
                    ? ImmutableDictionary<string, string?>.Empty
                    : ImmutableDictionary<string, string?>.Empty.Add(ReplacementProperty, replacement);
                context.ReportDiagnostic(Diagnostic.Create(Rule, element.Syntax.GetLocation(), properties, pattern, problem));
            }
        }
    }

    /// <summary>What is wrong with the pattern, or null when it may match; <paramref name="replacement"/> is the fix.</summary>
    internal static string? Problem(string pattern, LoraArchitecture? architecture, out string? replacement)
    {
        replacement = null;
        string[] segments = pattern.Split('.');
        if (pattern.Length == 0 || segments.Any(s => s.Length == 0))
        {
            return "has an empty path segment, and no layer's path has one";
        }
        string last = segments[segments.Length - 1];
        if (segments.Length > 1 && last is "weight" or "bias")
        {
            string layer = pattern.Substring(0, pattern.Length - last.Length - 1);
            if (architecture is null || architecture.CanMatch(layer))
            {
                replacement = layer;
            }
            return $"names a parameter ('{last}'), not a layer: targets name the layer, '{layer}'";
        }
        if (architecture is null || architecture.CanMatch(pattern))
        {
            return null;
        }
        string layers = string.Join(", ", architecture.LayerNames);
        if (!LoraArchitecture.IsGlob(last) && architecture.OtherParts.TryGetValue(last, out string? part))
        {
            return $"names {part} of {architecture.Name}, not a linear layer; adapters attach to its linear layers: {layers}";
        }
        if (architecture.LayerNames.Contains(last))
        {
            // The layer exists, under another parent: show where.
            var paths = architecture.LinearPaths.Where(p => LoraArchitecture.LastSegment(p) == last).Select(p => p.Replace("#", "N"));
            return $"matches no linear layer of {architecture.Name}: its '{last}' layers are {string.Join(", ", paths)}";
        }
        if (LoraArchitecture.All.FirstOrDefault(other => other != architecture && other.LayerNames.Contains(last)) is { } other)
        {
            // Another architecture's layer (Llama's q_proj on GPT-2): no edit of the name would mean the same thing.
            return $"names a layer of {other.Name}, which {architecture.Name} does not have; its linear layers: {layers}";
        }
        var (nearest, distance) = architecture.Nearest(last);
        // A near miss is a typo: the same pattern with the last segment corrected is what was meant, if it matches.
        string corrected = pattern.Substring(0, pattern.Length - last.Length) + nearest;
        if (!LoraArchitecture.IsGlob(last) && distance <= 2 && architecture.CanMatch(corrected))
        {
            replacement = corrected;
        }
        return $"matches no linear layer of {architecture.Name}; the nearest layer name is '{nearest}' (its linear layers: {layers})";
    }

    /// <summary>
    /// The architecture of the store these options are given to: the options written as the argument of a LoRA call, or
    /// a local assigned once from them whose every LoRA call goes to stores of one known architecture.
    /// </summary>
    private static LoraArchitecture? ArchitectureOfOptions(ISimpleAssignmentOperation assignment)
    {
        IOperation? options = assignment.Parent is IObjectOrCollectionInitializerOperation initializer ? initializer.Parent : null;
        if (options is not (IObjectCreationOperation or IWithOperation))
        {
            return null;
        }
        switch (options.ParentSkippingConversions())
        {
            case IArgumentOperation { Parent: IInvocationOperation call } when call.IsAttach():
                return call.Argument("baseStore") is { } store ? LoraCalls.ArchitectureOf(store) : null;
            case IVariableInitializerOperation { Parent: IVariableDeclaratorOperation declarator }:
                var calls = LoraCalls.Descendants(options.Root()).OfType<IInvocationOperation>()
                    .Where(c => c.IsAttach() && c.Argument("options") is ILocalReferenceOperation local &&
                                SymbolEqualityComparer.Default.Equals(local.Local, declarator.Symbol) &&
                                LoraCalls.AssignedOnce(local, out _))
                    .ToList();
                var architectures = calls
                    .Select(c => c.Argument("baseStore") is { } store ? LoraCalls.ArchitectureOf(store) : null)
                    .Distinct()
                    .ToList();
                return calls.Count > 0 && architectures.Count == 1 ? architectures[0] : null;
            default:
                return null;
        }
    }

    /// <summary>The elements of a collection expression, array creation or collection initializer.</summary>
    private static IEnumerable<IOperation> ConstantElements(IOperation value)
    {
        switch (value.WithoutConversions())
        {
            case ICollectionExpressionOperation collection:
                return collection.Elements.Select(e => e.WithoutConversions());
            case IArrayCreationOperation { Initializer: { } initializer }:
                return initializer.ElementValues.Select(e => e.WithoutConversions());
            case IObjectCreationOperation { Initializer: { } initializer }:
                return initializer.Initializers.OfType<IInvocationOperation>()
                    .Where(add => add.Arguments.Length == 1)
                    .Select(add => add.Arguments[0].Value.WithoutConversions());
            default:
                return [];
        }
    }
}
