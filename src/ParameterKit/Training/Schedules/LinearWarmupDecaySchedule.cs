namespace ParameterKit.Training.Schedules;

/// <summary>
/// Linear warmup from 0 to the base rate, then linear decay to 0 at <see cref="TotalSteps"/>: Hugging Face
/// transformers' <c>get_linear_schedule_with_warmup</c>, step for step.
/// </summary>
/// <remarks>
/// With base b, warmup W and total T:
/// <c>lr(s) = b·s / W</c> for s &lt; W, and <c>lr(s) = b·max(0, (T − s) / max(1, T − W))</c> for s ≥ W.
/// So <c>lr(0) = 0</c> when W &gt; 0 (the first update is a no-op, as in transformers), <c>lr(W) = b</c>, and
/// <c>lr(s) = 0</c> for every s ≥ T. With W = 0 the decay starts at b on step 0.
/// </remarks>
public sealed class LinearWarmupDecaySchedule : LearningRateSchedule
{
    /// <summary>Creates the schedule.</summary>
    /// <param name="baseLearningRate">b, the peak rate reached at the end of warmup.</param>
    /// <param name="warmupSteps">W ≥ 0.</param>
    /// <param name="totalSteps">T ≥ W, the step at which the rate reaches 0.</param>
    /// <exception cref="ArgumentOutOfRangeException">b is negative or not finite, W is negative, or T &lt; W.</exception>
    public LinearWarmupDecaySchedule(double baseLearningRate, long warmupSteps, long totalSteps) : base(baseLearningRate)
    {
        RequirePhase(warmupSteps, nameof(warmupSteps));
        ArgumentOutOfRangeException.ThrowIfLessThan(totalSteps, warmupSteps);
        WarmupSteps = warmupSteps;
        TotalSteps = totalSteps;
    }

    /// <summary>W, the number of warmup steps.</summary>
    public long WarmupSteps { get; }

    /// <summary>T, the step at which the rate reaches 0.</summary>
    public long TotalSteps { get; }

    /// <inheritdoc/>
    public override double At(long step)
    {
        RequireStep(step);
        if (step < WarmupSteps)
        {
            return Warmup(step, WarmupSteps);
        }
        return BaseLearningRate * Math.Max(0.0, (double)(TotalSteps - step) / Math.Max(1, TotalSteps - WarmupSteps));
    }
}
