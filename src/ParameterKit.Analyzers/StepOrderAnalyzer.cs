using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace ParameterKit.Analyzers;

/// <summary>
/// PK2002: the statements of one training step in the wrong order, within one block after an optimizer's Step():
/// gradient clipping (the step already used the unclipped gradients), setting the learning rate from a schedule at
/// the same step index (the value meant for this step reaches the next one; <c>At(step + 1)</c> is the deliberate
/// form and is accepted), and a backward pass when none ran before the step (the step used stale gradients).
/// A backward pass between the step and the statement starts the next step, so nothing after it is reported.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class StepOrderAnalyzer : DiagnosticAnalyzer
{
    public const string Id = "PK2002";

    public static readonly DiagnosticDescriptor Rule = Rules.Create(
        Id,
        "Training step statements in the wrong order",
        "'{0}' runs after '{1}': {2}",
        Rules.TrainingCategory,
        DiagnosticSeverity.Warning,
        "A training step runs backward, then clipping, then sets the learning rate, then the optimizer step. Statements after the step act on the next step or on nothing.");

    private enum Kind
    {
        Other,
        Step,
        Backward,
        Clip,
        Schedule,
    }

    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => ImmutableArray.Create(Rule);

    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterOperationAction(AnalyzeBlock, OperationKind.Block);
    }

    private static void AnalyzeBlock(OperationAnalysisContext context)
    {
        var statements = ((IBlockOperation)context.Operation).Operations;
        var kinds = statements.Select(Classify).ToList();
        int stepIndex = kinds.IndexOf(Kind.Step);
        if (stepIndex < 0)
        {
            return;
        }
        bool backwardBefore = kinds.Take(stepIndex).Contains(Kind.Backward);
        var step = statements[stepIndex];
        // Locals and parameters given a value after the step (step++; long next = step + 1;): a schedule read at one
        // of them is the deliberate look ahead, as At(step + 1) is.
        var advanced = new HashSet<ISymbol>(SymbolEqualityComparer.Default);
        for (int i = stepIndex + 1; i < statements.Length; i++)
        {
            string? reason = kinds[i] switch
            {
                Kind.Clip => "the step already used the unclipped gradients; clip before the step",
                Kind.Schedule when !ReadsTheNextStep(statements[i], advanced) => "the learning rate set here reaches the next step, not this one; set it before the step",
                Kind.Backward when !backwardBefore => "the step used gradients from before this backward pass; run backward before the step",
                _ => null,
            };
            if (kinds[i] == Kind.Backward)
            {
                // A backward pass after the step begins the next step: what follows belongs to that one.
                if (reason is not null)
                {
                    Report(context, statements[i], step, reason);
                }
                return;
            }
            if (reason is not null)
            {
                Report(context, statements[i], step, reason);
            }
            advanced.UnionWith(VariablesWritten(statements[i]));
        }
    }

    /// <summary>
    /// Whether the schedule's step argument reads a variable set after the optimizer step, or the optimizer's
    /// <c>StepCount</c>, which Step() has just advanced: either way the index is the next step's.
    /// </summary>
    private static bool ReadsTheNextStep(IOperation statement, HashSet<ISymbol> advanced) =>
        Unwrap(statement).DescendantsInSameFunction().OfType<IInvocationOperation>().Where(i => i.IsScheduleAt())
            .SelectMany(i => i.Arguments).SelectMany(a => a.Value.DescendantsInSameFunction().Prepend(a.Value))
            .Any(o => Variable(o) is { } variable && advanced.Contains(variable) ||
                      o is IPropertyReferenceOperation { Property.Name: "StepCount" } property && property.Property.ContainingType.InheritsFrom(KnownNames.Optimizer));

    /// <summary>Locals and parameters a statement declares or writes (assignment, compound assignment, increment, decrement).</summary>
    private static IEnumerable<ISymbol> VariablesWritten(IOperation statement)
    {
        foreach (var operation in statement.DescendantsInSameFunction().Prepend(statement))
        {
            ISymbol? written = operation switch
            {
                IVariableDeclaratorOperation declarator => declarator.Symbol,
                IAssignmentOperation assignment => Variable(assignment.Target),
                IIncrementOrDecrementOperation increment => Variable(increment.Target),
                _ => null,
            };
            if (written is not null)
            {
                yield return written;
            }
        }
    }

    /// <summary>The local or parameter an operation reads or writes, if it is one.</summary>
    private static ISymbol? Variable(IOperation operation) => operation switch
    {
        ILocalReferenceOperation local => local.Local,
        IParameterReferenceOperation parameter => parameter.Parameter,
        _ => null,
    };

    private static void Report(OperationAnalysisContext context, IOperation statement, IOperation step, string reason)
    {
        var call = Unwrap(statement);
        context.ReportDiagnostic(Diagnostic.Create(Rule, call.Syntax.GetLocation(), ImmutableArray.Create(Unwrap(step).Syntax.GetLocation()),
            call.Syntax.ToString(), Unwrap(step).Syntax.ToString(), reason));
    }

    /// <summary>The call or assignment a statement consists of: <c>x;</c>, <c>var n = x;</c>.</summary>
    private static IOperation Unwrap(IOperation statement)
    {
        switch (statement)
        {
            case IExpressionStatementOperation expression:
                return expression.Operation;
            case IVariableDeclarationGroupOperation group when group.Declarations.Length == 1 &&
                                                               group.Declarations[0].Declarators.Length == 1 &&
                                                               group.Declarations[0].Declarators[0].Initializer is { } initializer:
                return initializer.Value;
            default:
                return statement;
        }
    }

    private static Kind Classify(IOperation statement)
    {
        var operation = Unwrap(statement).WithoutConversions();
        if (operation is IInvocationOperation invocation)
        {
            if (invocation.IsOptimizerStep())
            {
                return Kind.Step;
            }
            if (invocation.IsBackward())
            {
                return Kind.Backward;
            }
            if (invocation.IsClipping())
            {
                return Kind.Clip;
            }
        }
        if (operation is ISimpleAssignmentOperation { Target: IPropertyReferenceOperation { Property.Name: "LearningRate" } target } assignment &&
            target.Property.ContainingType.InheritsFrom(KnownNames.Optimizer) &&
            assignment.Value.DescendantsInSameFunction().Prepend(assignment.Value).OfType<IInvocationOperation>().Any(IsSameStepSchedule))
        {
            return Kind.Schedule;
        }
        return Kind.Other;
    }

    /// <summary><c>schedule.At(step)</c> but not <c>schedule.At(step + 1)</c>, which deliberately looks one step ahead.</summary>
    private static bool IsSameStepSchedule(IInvocationOperation invocation) =>
        invocation.IsScheduleAt() &&
        !invocation.Arguments.Any(a => a.Value.DescendantsInSameFunction().Prepend(a.Value)
            .Any(o => o is IBinaryOperation { OperatorKind: BinaryOperatorKind.Add } || o is IIncrementOrDecrementOperation));
}
