namespace ParameterKit.Training.Schedules;

/// <summary>
/// Linear warmup from 0 to the base rate, then half a cosine from the base down to a floor: Hugging Face
/// transformers' <c>get_cosine_schedule_with_warmup</c> (and, with a floor, its
/// <c>get_cosine_with_min_lr_schedule_with_warmup</c> with <c>min_lr = floor</c>).
/// </summary>
/// <remarks>
/// With base b, floor m, warmup W and total T: <c>lr(s) = b·s / W</c> for s &lt; W; otherwise, with
/// <c>progress = min(1, (s − W) / max(1, T − W))</c>, <c>lr(s) = m + (b − m)·(1 + cos(π·progress)) / 2</c>.
/// So <c>lr(0) = 0</c> when W &gt; 0, <c>lr(W) = b</c>, <c>lr(T) = m</c>. Warmup starts from 0, not from m,
/// as in transformers. One deliberate difference: transformers keeps evaluating the cosine past T, so the rate
/// climbs again; here it stays at m for every s ≥ T.
/// </remarks>
public sealed class CosineSchedule : LearningRateSchedule
{
    /// <summary>Creates the schedule.</summary>
    /// <param name="baseLearningRate">b, the peak rate reached at the end of warmup.</param>
    /// <param name="warmupSteps">W ≥ 0.</param>
    /// <param name="totalSteps">T ≥ W, the step at which the rate reaches the floor.</param>
    /// <param name="minLearningRate">m in [0, b], the floor.</param>
    /// <exception cref="ArgumentOutOfRangeException">b is negative or not finite, W is negative, T &lt; W, or m is outside [0, b].</exception>
    public CosineSchedule(double baseLearningRate, long warmupSteps, long totalSteps, double minLearningRate = 0) : base(baseLearningRate)
    {
        RequirePhase(warmupSteps, nameof(warmupSteps));
        ArgumentOutOfRangeException.ThrowIfLessThan(totalSteps, warmupSteps);
        RequireMinimum(minLearningRate);
        WarmupSteps = warmupSteps;
        TotalSteps = totalSteps;
        MinLearningRate = minLearningRate;
    }

    /// <summary>W, the number of warmup steps.</summary>
    public long WarmupSteps { get; }

    /// <summary>T, the step at which the rate reaches <see cref="MinLearningRate"/>.</summary>
    public long TotalSteps { get; }

    /// <summary>m, the floor.</summary>
    public double MinLearningRate { get; }

    /// <inheritdoc/>
    public override double At(long step)
    {
        RequireStep(step);
        if (step < WarmupSteps)
        {
            return Warmup(step, WarmupSteps);
        }
        double progress = Math.Min(1.0, (double)(step - WarmupSteps) / Math.Max(1, TotalSteps - WarmupSteps));
        return MinLearningRate + (BaseLearningRate - MinLearningRate) * 0.5 * (1 + Math.Cos(Math.PI * progress));
    }
}
