namespace ParameterKit.Training.Schedules;

/// <summary>The same learning rate at every step: <c>lr(s) = base</c>.</summary>
public sealed class ConstantSchedule : LearningRateSchedule
{
    /// <summary>Creates the schedule.</summary>
    /// <param name="learningRate">The rate for every step; finite and non-negative.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="learningRate"/> is negative, NaN or infinite.</exception>
    public ConstantSchedule(double learningRate) : base(learningRate)
    {
    }

    /// <inheritdoc/>
    public override double At(long step)
    {
        RequireStep(step);
        return BaseLearningRate;
    }
}
