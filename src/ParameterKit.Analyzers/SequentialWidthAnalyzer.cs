using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace ParameterKit.Analyzers;

/// <summary>
/// PK3001: consecutive layers of a <c>Sequential</c> chain whose compile-time constant widths cannot match, as in
/// <c>new Sequential(scope, 8).Add(s =&gt; new Linear(s, 8, 16)).Add(s =&gt; new Linear(s, 12, 4))</c>. The chain is
/// followed from a <c>new Sequential(scope, width)</c> through <c>Add</c> calls whose factory returns a new layer:
/// a Linear's <c>inChannels</c> must equal the width so far and its <c>outChannels</c> becomes the next one;
/// elementwise layers keep the width; a layer with a constant <c>channels</c> (LayerNorm, RmsNorm) or <c>width</c>
/// (Residual) must equal it and keeps it.
/// Anything not constant makes the width unknown, and nothing is reported until a constant restarts it.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class SequentialWidthAnalyzer : DiagnosticAnalyzer
{
    public const string Id = "PK3001";

    public static readonly DiagnosticDescriptor Rule = Rules.Create(
        Id,
        "Sequential layers with widths that cannot match",
        "Layer {0} of this Sequential takes {1} channels but receives {2}",
        Rules.ShapesCategory,
        DiagnosticSeverity.Warning,
        "Each layer of a Sequential receives the previous layer's output width. With constant widths the mismatch is certain and Sequential.Add will throw when the model is built.");

    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => ImmutableArray.Create(Rule);

    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterOperationAction(AnalyzeInvocation, OperationKind.Invocation);
    }

    private static bool IsAdd(IOperation operation) =>
        operation is IInvocationOperation { TargetMethod.Name: "Add", Instance: not null, Arguments.Length: 1 } call &&
        call.TargetMethod.ContainingType.Is(KnownNames.Sequential);

    private static void AnalyzeInvocation(OperationAnalysisContext context)
    {
        var outermost = context.Operation;
        // Only the last Add of a chain walks it, so each chain is checked once.
        if (!IsAdd(outermost) || (outermost.ParentSkippingConversions() is IInvocationOperation parent && IsAdd(parent) && parent.Instance?.WithoutConversions() == outermost))
        {
            return;
        }
        var chain = new List<IInvocationOperation>();
        IOperation current = outermost;
        while (IsAdd(current))
        {
            var call = (IInvocationOperation)current;
            chain.Add(call);
            current = call.Instance!.WithoutConversions();
        }
        chain.Reverse();
        if (current is not IObjectCreationOperation root || !root.Type.Is(KnownNames.Sequential) ||
            ConstantArgument(root, "inputWidth") is not int width)
        {
            return;
        }
        int? known = width;
        for (int index = 0; index < chain.Count; index++)
        {
            if (CreatedLayer(chain[index]) is not { } layer)
            {
                known = null;
                continue;
            }
            known = Check(context, layer, index, known);
        }
    }

    /// <summary>The layer a factory lambda returns when it is one object creation: <c>s =&gt; new Linear(s, 8, 16)</c>.</summary>
    private static IObjectCreationOperation? CreatedLayer(IInvocationOperation add)
    {
        if (add.Arguments[0].Value.WithoutConversions() is not IDelegateCreationOperation { Target: IAnonymousFunctionOperation lambda })
        {
            return null;
        }
        var returns = lambda.Body.DescendantsInSameFunction().OfType<IReturnOperation>().ToList();
        return returns.Count == 1 ? returns[0].ReturnedValue?.WithoutConversions() as IObjectCreationOperation : null;
    }

    /// <summary>Checks one layer against the width so far and returns the width after it (null when unknown).</summary>
    private static int? Check(OperationAnalysisContext context, IObjectCreationOperation layer, int index, int? width)
    {
        if (layer.Type.InheritsFrom(KnownNames.ElementwiseLayer))
        {
            return width;
        }
        // Width-keeping layers name their width "channels" (LayerNorm, RmsNorm) or "width" (Residual).
        string takes = layer.Type.Is(KnownNames.Linear) ? "inChannels"
            : layer.Arguments.Any(a => a.Parameter?.Name == "channels") ? "channels" : "width";
        if (ConstantArgument(layer, takes) is not int input)
        {
            return null;
        }
        if (width is int actual && actual != input)
        {
            var syntax = layer.Arguments.First(a => a.Parameter?.Name == takes).Value.Syntax;
            context.ReportDiagnostic(Diagnostic.Create(Rule, syntax.GetLocation(), index, input, actual));
        }
        return layer.Type.Is(KnownNames.Linear) ? ConstantArgument(layer, "outChannels") : input;
    }

    private static int? ConstantArgument(IObjectCreationOperation creation, string parameter)
    {
        var argument = creation.Arguments.FirstOrDefault(a => a.Parameter?.Name == parameter);
        return argument?.Value.ConstantValue is { HasValue: true, Value: int value } ? value : null;
    }
}
