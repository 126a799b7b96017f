namespace ParameterKit.Training;

/// <summary>
/// Where a training run is: enough, together with the parameters and optimizer state, to resume it and get
/// bit-identical losses (the shuffling of epoch e is a pure function of the seed and e, so skipping the
/// micro-batches already done is all a resume needs).
/// </summary>
public sealed class TrainerState
{
    /// <summary>Epochs completed.</summary>
    public int Epoch { get; set; }

    /// <summary>Micro-batches completed in the current epoch (always at an optimizer-step boundary).</summary>
    public int BatchInEpoch { get; set; }

    /// <summary>Optimizer steps completed.</summary>
    public long Step { get; set; }

    /// <summary>Sum of the current epoch's micro-batch losses so far (for the epoch summary).</summary>
    public double EpochLossSum { get; set; }

    /// <summary>Best value of the early-stopping metric so far (NaN before the first evaluation).</summary>
    public double BestMetric { get; set; } = double.NaN;

    /// <summary>The epoch (1-based) that reached <see cref="BestMetric"/>.</summary>
    public int BestEpoch { get; set; }

    /// <summary>Epochs since the metric last improved.</summary>
    public int EpochsWithoutImprovement { get; set; }
}
