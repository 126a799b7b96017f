namespace ParameterKit.Training.Schedules;

/// <summary>
/// Warmup, stable, decay ("WSD", trapezoidal): linear warmup to the base rate, a long plateau at it, then a short
/// decay to a floor. Hugging Face transformers' <c>get_wsd_schedule</c> with <c>min_lr_ratio = m / b</c>.
/// Because the plateau does not depend on the run's length, a checkpoint from the plateau can be decayed at any
/// point, or trained further.
/// </summary>
/// <remarks>
/// With base b, floor m, phase lengths W (warmup), S (stable), D (decay) and decay shape f:
/// <c>lr(s) = b·s / W</c> for s &lt; W; <c>b</c> for W ≤ s &lt; W + S;
/// <c>m + (b − m)·f((s − W − S) / max(1, D))</c> for W + S ≤ s &lt; W + S + D; and <c>m</c> afterwards.
/// So <c>lr(0) = 0</c> when W &gt; 0, and the rate is continuous where the decay meets the floor.
/// </remarks>
public sealed class WarmupStableDecaySchedule : LearningRateSchedule
{
    /// <summary>Creates the schedule.</summary>
    /// <param name="baseLearningRate">b, the plateau rate.</param>
    /// <param name="warmupSteps">W ≥ 0.</param>
    /// <param name="stableSteps">S ≥ 0.</param>
    /// <param name="decaySteps">D ≥ 0.</param>
    /// <param name="minLearningRate">m in [0, b], the floor after the decay.</param>
    /// <param name="shape">f, the decay shape.</param>
    /// <exception cref="ArgumentOutOfRangeException">b is negative or not finite, a phase length is negative, m is outside [0, b], or <paramref name="shape"/> is not a defined value.</exception>
    public WarmupStableDecaySchedule(double baseLearningRate, long warmupSteps, long stableSteps, long decaySteps, double minLearningRate = 0, DecayShape shape = DecayShape.Linear)
        : base(baseLearningRate)
    {
        RequirePhase(warmupSteps, nameof(warmupSteps));
        RequirePhase(stableSteps, nameof(stableSteps));
        RequirePhase(decaySteps, nameof(decaySteps));
        RequireMinimum(minLearningRate);
        if (!Enum.IsDefined(shape))
        {
            throw new ArgumentOutOfRangeException(nameof(shape), shape, "Unknown decay shape.");
        }
        WarmupSteps = warmupSteps;
        StableSteps = stableSteps;
        DecaySteps = decaySteps;
        MinLearningRate = minLearningRate;
        Shape = shape;
    }

    /// <summary>W, the number of warmup steps.</summary>
    public long WarmupSteps { get; }

    /// <summary>S, the number of steps at the base rate.</summary>
    public long StableSteps { get; }

    /// <summary>D, the number of decay steps.</summary>
    public long DecaySteps { get; }

    /// <summary>m, the floor.</summary>
    public double MinLearningRate { get; }

    /// <summary>f, the decay shape.</summary>
    public DecayShape Shape { get; }

    /// <inheritdoc/>
    public override double At(long step)
    {
        RequireStep(step);
        if (step < WarmupSteps)
        {
            return Warmup(step, WarmupSteps);
        }
        long decayStart = WarmupSteps + StableSteps;
        if (step < decayStart)
        {
            return BaseLearningRate;
        }
        if (step >= decayStart + DecaySteps)
        {
            return MinLearningRate;
        }
        double progress = (double)(step - decayStart) / Math.Max(1, DecaySteps);
        double factor = Shape switch
        {
            DecayShape.Linear => 1 - progress,
            DecayShape.Cosine => 0.5 * (1 + Math.Cos(Math.PI * progress)),
            _ => 1 - Math.Sqrt(progress),
        };
        return MinLearningRate + (BaseLearningRate - MinLearningRate) * factor;
    }
}
