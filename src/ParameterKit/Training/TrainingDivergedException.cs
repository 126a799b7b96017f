using System.Globalization;

namespace ParameterKit.Training;

/// <summary>
/// Training produced a non-finite loss, gradient or parameter value. Continuing would turn every parameter into
/// NaN, so the trainer stops at the step that broke and names it, the learning rate, and (for gradients and values)
/// the first parameter in declaration order that went bad. Typical fixes: a lower learning rate, gradient clipping,
/// or checking the inputs of that step.
/// </summary>
public sealed class TrainingDivergedException : ArithmeticException
{
    /// <summary>Creates the exception for a non-finite loss or gradient, found before the step (parameters unchanged).</summary>
    /// <param name="step">The optimizer step being computed (1-based).</param>
    /// <param name="parameterName">The first parameter with a non-finite gradient, or null when the loss itself was non-finite.</param>
    /// <param name="loss">The loss of the step.</param>
    public TrainingDivergedException(long step, string? parameterName, float loss)
        : this(parameterName is null ? DivergenceKind.Loss : DivergenceKind.Gradient, step, parameterName, loss, double.NaN, parametersRestored: false)
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="kind">What went non-finite.</param>
    /// <param name="step">The optimizer step being computed (1-based).</param>
    /// <param name="parameterName">The first parameter whose gradient or value went non-finite; null for <see cref="DivergenceKind.Loss"/>.</param>
    /// <param name="loss">The loss of the step.</param>
    /// <param name="learningRate">The learning rate of the step, or NaN when unknown.</param>
    /// <param name="parametersRestored">For <see cref="DivergenceKind.Value"/>: whether the values from before the step were put back.</param>
    public TrainingDivergedException(DivergenceKind kind, long step, string? parameterName, float loss, double learningRate, bool parametersRestored)
        : base(Describe(kind, step, parameterName, loss, learningRate, parametersRestored))
    {
        Kind = kind;
        Step = step;
        ParameterName = parameterName;
        Loss = loss;
        LearningRate = learningRate;
        ParametersRestored = parametersRestored;
    }

    /// <summary>What went non-finite.</summary>
    public DivergenceKind Kind { get; }

    /// <summary>The optimizer step being computed (1-based).</summary>
    public long Step { get; }

    /// <summary>The first parameter whose gradient or value went non-finite, or null when the loss did.</summary>
    public string? ParameterName { get; }

    /// <summary>The loss of the step.</summary>
    public float Loss { get; }

    /// <summary>The learning rate of the step, or NaN when unknown.</summary>
    public double LearningRate { get; }

    /// <summary>
    /// For <see cref="DivergenceKind.Value"/>: whether the store holds the values from before the breaking step again
    /// (<see cref="TrainerOptions.RestoreParametersOnDivergence"/>). Loss and gradient divergence is found before the
    /// step, so the values are untouched and this is false.
    /// </summary>
    public bool ParametersRestored { get; }

    private static string Describe(DivergenceKind kind, long step, string? parameterName, float loss, double learningRate, bool restored)
    {
        string rate = double.IsNaN(learningRate) ? "" : string.Create(CultureInfo.InvariantCulture, $", learning rate {learningRate:G6}");
        return kind switch
        {
            DivergenceKind.Loss => string.Create(CultureInfo.InvariantCulture,
                $"Training diverged at step {step}: the loss is {loss}{rate}. The step was not taken."),
            DivergenceKind.Gradient => string.Create(CultureInfo.InvariantCulture,
                $"Training diverged at step {step}: the gradient of '{parameterName}' is not finite (loss {loss}{rate}). The step was not taken."),
            _ => string.Create(CultureInfo.InvariantCulture,
                $"Training diverged at step {step}: the update made '{parameterName}' non-finite (loss {loss}{rate}). ") +
                (restored
                    ? "The parameters were restored to their values before the step (the optimizer's moments and step count include it)."
                    : "The parameters are left as the step made them."),
        };
    }
}
