namespace ParameterKit.Training.Schedules;

/// <summary>
/// A learning rate as a pure function of the optimizer step: no state, so a run resumed from a checkpoint at
/// step s continues with exactly <c>At(s)</c>, and a schedule can be plotted or tested without an optimizer.
/// </summary>
/// <remarks>
/// Step counts optimizer steps from 0: the first update uses <c>At(0)</c>. This matches PyTorch's
/// <c>LambdaLR</c> as Hugging Face transformers drives it (the lambda is evaluated at 0 before the first
/// <c>optimizer.step()</c>, and <c>scheduler.step()</c> follows each update).
/// </remarks>
public abstract class LearningRateSchedule
{
    /// <summary>Validates and stores the base learning rate.</summary>
    /// <param name="baseLearningRate">The peak (or only) learning rate; finite and non-negative.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="baseLearningRate"/> is negative, NaN, or infinite as a float.</exception>
    protected LearningRateSchedule(double baseLearningRate)
    {
        // float.MaxValue, not double's: the optimizers compute in float, where 1e300 is infinity.
        if (!(baseLearningRate >= 0 && baseLearningRate <= float.MaxValue))
        {
            throw new ArgumentOutOfRangeException(nameof(baseLearningRate), baseLearningRate, "The base learning rate must be non-negative and finite as a float (the optimizers compute in float).");
        }
        BaseLearningRate = baseLearningRate;
    }

    /// <summary>The learning rate the schedule scales: the peak after warmup, or the constant rate.</summary>
    public double BaseLearningRate { get; }

    /// <summary>The learning rate for optimizer step <paramref name="step"/> (counted from 0).</summary>
    /// <param name="step">The number of optimizer steps already taken.</param>
    /// <returns>A finite, non-negative learning rate.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="step"/> is negative.</exception>
    public abstract double At(long step);

    /// <summary>
    /// The linear warmup every warmup schedule here shares: <c>base·step / warmupSteps</c>, so step 0 trains
    /// with learning rate 0 and step <c>warmupSteps</c> reaches the base (Hugging Face's convention).
    /// </summary>
    /// <param name="step">A step in [0, warmupSteps).</param>
    /// <param name="warmupSteps">The warmup length, positive.</param>
    protected double Warmup(long step, long warmupSteps) => BaseLearningRate * step / warmupSteps;

    /// <summary>Throws when <paramref name="step"/> is negative.</summary>
    /// <param name="step">The step passed to <see cref="At(long)"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="step"/> is negative.</exception>
    protected static void RequireStep(long step) => ArgumentOutOfRangeException.ThrowIfNegative(step);

    /// <summary>Throws when a phase length is negative.</summary>
    /// <param name="steps">The phase length.</param>
    /// <param name="name">The argument's name.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="steps"/> is negative.</exception>
    protected static void RequirePhase(long steps, string name) => ArgumentOutOfRangeException.ThrowIfNegative(steps, name);

    /// <summary>Throws unless 0 ≤ <paramref name="minLearningRate"/> ≤ <see cref="BaseLearningRate"/>.</summary>
    /// <param name="minLearningRate">The floor a decay ends at.</param>
    /// <exception cref="ArgumentOutOfRangeException">The floor is negative, NaN or above the base.</exception>
    protected void RequireMinimum(double minLearningRate)
    {
        if (!(minLearningRate >= 0 && minLearningRate <= BaseLearningRate))
        {
            throw new ArgumentOutOfRangeException(nameof(minLearningRate), minLearningRate, $"The minimum learning rate must lie in [0, {BaseLearningRate}] (the base learning rate).");
        }
    }
}
