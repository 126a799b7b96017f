namespace ParameterKit.Training.Schedules;

/// <summary>
/// Multiplies the rate by γ every <see cref="StepSize"/> steps: <c>lr(s) = b·γ^⌊s / stepSize⌋</c>, PyTorch's
/// <c>torch.optim.lr_scheduler.StepLR(optimizer, step_size, gamma)</c>.
/// </summary>
public sealed class StepDecaySchedule : LearningRateSchedule
{
    /// <summary>Creates the schedule.</summary>
    /// <param name="baseLearningRate">b, the rate for steps [0, stepSize).</param>
    /// <param name="stepSize">How many steps each rate lasts; positive.</param>
    /// <param name="gamma">γ, the factor applied at each boundary; positive and finite (usually below 1).</param>
    /// <exception cref="ArgumentOutOfRangeException">b is negative or not finite, <paramref name="stepSize"/> is not positive, or γ is not positive and finite.</exception>
    public StepDecaySchedule(double baseLearningRate, long stepSize, double gamma) : base(baseLearningRate)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(stepSize);
        if (!(gamma > 0 && double.IsFinite(gamma)))
        {
            throw new ArgumentOutOfRangeException(nameof(gamma), gamma, "Gamma must be positive and finite.");
        }
        StepSize = stepSize;
        Gamma = gamma;
    }

    /// <summary>How many steps each rate lasts.</summary>
    public long StepSize { get; }

    /// <summary>γ, the factor applied every <see cref="StepSize"/> steps.</summary>
    public double Gamma { get; }

    /// <inheritdoc/>
    public override double At(long step)
    {
        RequireStep(step);
        return BaseLearningRate * Math.Pow(Gamma, step / StepSize);
    }
}
