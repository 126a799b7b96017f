namespace ParameterKit.Training;

/// <summary>
/// A step whose loss jumped far above the recent average (by <see cref="TrainerOptions.LossSpikeFactor"/> or more):
/// often the first sign of divergence that clipping hides, or of a corrupt batch. Sent to
/// <see cref="TrainerCallback.OnLossSpike"/>; training goes on unless a callback stops it.
/// </summary>
/// <param name="Step">The optimizer step (1-based) whose loss spiked.</param>
/// <param name="Loss">Its loss (mean over its micro-batches).</param>
/// <param name="RunningMean">The running mean of the earlier steps' losses it is compared with (an exponential moving average, weight 0.1 for the newest).</param>
/// <param name="LearningRate">The learning rate of the step.</param>
public readonly record struct LossSpike(long Step, float Loss, double RunningMean, double LearningRate)
{
    /// <summary>How many times the running mean the loss is.</summary>
    public double Ratio => Loss / RunningMean;
}
