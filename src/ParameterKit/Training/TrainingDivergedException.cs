namespace ParameterKit.Training;

/// <summary>
/// Training produced a non-finite loss or gradient. Continuing would turn every parameter into NaN, so the
/// trainer stops and names the step and, for gradients, the first parameter (in declaration order) that went bad.
/// Typical fixes: a lower learning rate, gradient clipping, or checking the inputs of that step.
/// </summary>
public sealed class TrainingDivergedException : ArithmeticException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="step">The optimizer step being computed (1-based).</param>
    /// <param name="parameterName">The first parameter with a non-finite gradient, or null when the loss itself was non-finite.</param>
    /// <param name="loss">The loss of the step.</param>
    public TrainingDivergedException(long step, string? parameterName, float loss)
        : base(parameterName is null
            ? $"Training diverged at step {step}: the loss is {loss}."
            : $"Training diverged at step {step}: the gradient of '{parameterName}' is not finite (loss {loss}).")
    {
        Step = step;
        ParameterName = parameterName;
        Loss = loss;
    }

    /// <summary>The optimizer step being computed (1-based).</summary>
    public long Step { get; }

    /// <summary>The first parameter whose gradient went non-finite, or null when the loss did.</summary>
    public string? ParameterName { get; }

    /// <summary>The loss of the step.</summary>
    public float Loss { get; }
}
