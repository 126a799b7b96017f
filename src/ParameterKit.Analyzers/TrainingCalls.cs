using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace ParameterKit.Analyzers;

/// <summary>Recognizes the calls that make up a training step: backward, clip, optimizer step, zeroing, schedule.</summary>
internal static class TrainingCalls
{
    /// <summary><c>optimizer.Step()</c> on any <c>ParameterKit.Training.Optimizer</c>.</summary>
    public static bool IsOptimizerStep(this IInvocationOperation invocation) =>
        invocation.TargetMethod is { Name: "Step", Parameters.Length: 0 } method && method.ContainingType.InheritsFrom(KnownNames.Optimizer);

    /// <summary><c>optimizer.ZeroGradients()</c> or <c>store.ZeroGradients()</c>.</summary>
    public static bool IsZeroGradients(this IInvocationOperation invocation) =>
        invocation.TargetMethod is { Name: "ZeroGradients" } method &&
        (method.ContainingType.InheritsFrom(KnownNames.Optimizer) || method.ContainingType.Is(KnownNames.ParameterStore));

    /// <summary>
    /// A backward pass, the call that adds into the gradients: a layer's <c>Backward</c>, an embedding's
    /// <c>BackwardPooled</c>, or a user model's own <c>Backward…</c> method (user models need not be modules).
    /// </summary>
    public static bool IsBackward(this IInvocationOperation invocation) =>
        invocation.TargetMethod.Name.StartsWith("Backward", System.StringComparison.Ordinal);

    /// <summary><c>GradientClipping.ClipByGlobalNorm</c> or <c>GradientClipping.ClipByValue</c>.</summary>
    public static bool IsClipping(this IInvocationOperation invocation) =>
        invocation.TargetMethod.ContainingType.Is(KnownNames.GradientClipping) &&
        invocation.TargetMethod.Name is "ClipByGlobalNorm" or "ClipByValue";

    /// <summary><c>schedule.At(step)</c> on any <c>LearningRateSchedule</c>.</summary>
    public static bool IsScheduleAt(this IInvocationOperation invocation) =>
        invocation.TargetMethod is { Name: "At" } method && method.ContainingType.InheritsFrom(KnownNames.LearningRateSchedule);

    /// <summary>True when the loop's own body (not a nested loop) steps an optimizer or runs a backward pass.</summary>
    public static bool IsTrainingLoop(this ILoopOperation loop)
    {
        foreach (var invocation in loop.Body.InvocationsOutsideNestedLoops())
        {
            if (invocation.IsOptimizerStep() || invocation.IsBackward())
            {
                return true;
            }
        }
        return false;
    }
}
