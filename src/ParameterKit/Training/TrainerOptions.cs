namespace ParameterKit.Training;

/// <summary>How a <see cref="Trainer{TExample}"/> runs. Every field has a sensible default.</summary>
public sealed record TrainerOptions
{
    /// <summary>Passes over the training set.</summary>
    public int Epochs { get; init; } = 1;

    /// <summary>Examples per micro-batch (the span <see cref="ITrainingTask{TExample}.TrainBatch"/> receives).</summary>
    public int BatchSize { get; init; } = 32;

    /// <summary>Micro-batches whose gradients add up into one optimizer step (effective batch = BatchSize × this).</summary>
    public int AccumulationSteps { get; init; } = 1;

    /// <summary>Seed of the shuffling; the same seed gives the same batches, and so bit-identical losses.</summary>
    public ulong Seed { get; init; }

    /// <summary>Whether to reshuffle the training set every epoch (from <see cref="Seed"/> and the epoch number).</summary>
    public bool Shuffle { get; init; } = true;

    /// <summary>
    /// The optimizer steps a run over <paramref name="examples"/> training examples takes, as
    /// <see cref="TrainingProgress.TotalSteps"/> reports them: batches per epoch, grouped by <see cref="AccumulationSteps"/>,
    /// times <see cref="Epochs"/>. A learning-rate schedule that must end with the run is built from it.
    /// </summary>
    /// <param name="examples">The size of the training set.</param>
    /// <returns>The number of optimizer steps.</returns>
    public long OptimizerSteps(int examples)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(examples);
        long batchesPerEpoch = (examples + (long)BatchSize - 1) / BatchSize;
        return (batchesPerEpoch + AccumulationSteps - 1) / AccumulationSteps * Epochs;
    }

    /// <summary>The learning rate as a pure function of the optimizer step (0-based); null keeps the optimizer's rate.</summary>
    public Func<long, double>? LearningRate { get; init; }

    /// <summary>Clip the global gradient norm to this value before each step; null for no clipping.</summary>
    public float? ClipGradientNorm { get; init; }

    /// <summary>Clamp every gradient to [-v, v] before each step; null for no clamping.</summary>
    public float? ClipGradientValue { get; init; }

    /// <summary>The validation metric early stopping watches (<c>"loss"</c> or a metric name); null to never stop early.</summary>
    public string? EarlyStoppingMetric { get; init; }

    /// <summary>Whether a larger <see cref="EarlyStoppingMetric"/> is better (F1, accuracy) or a smaller one (loss).</summary>
    public bool HigherIsBetter { get; init; } = true;

    /// <summary>Epochs without improvement before stopping.</summary>
    public int Patience { get; init; } = 3;

    /// <summary>
    /// Whether to put back the parameters of the best epoch when training ends (needs a validation set and a metric).
    /// The best copy lives in memory for one <see cref="Trainer{TExample}.Fit"/> call: after a resume, the best epoch
    /// since the resume is restored (save a checkpoint from a callback to keep the overall best on disk).
    /// </summary>
    public bool RestoreBestParameters { get; init; }

    /// <summary>
    /// Report a step whose loss is at least this many times the running mean of the earlier steps' losses to
    /// <see cref="TrainerCallback.OnLossSpike"/>; null to not watch. The default, 1,000, flags jumps of three orders
    /// of magnitude, which ordinary noise never makes.
    /// </summary>
    public double? LossSpikeFactor { get; init; } = 1000;

    /// <summary>
    /// Whether to keep a copy of the parameter values from before each step, so that a step that makes a value NaN
    /// or infinite is undone before <see cref="TrainingDivergedException"/> is thrown. It costs one more buffer the
    /// size of the values and one copy per step; turn it off when memory is that tight, and the trainer still stops
    /// at the breaking step but leaves the values as the step made them.
    /// </summary>
    public bool RestoreParametersOnDivergence { get; init; } = true;

    /// <summary>Validates the options.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A count is not positive, a clipping bound is not positive, or the spike factor is not above 1.</exception>
    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(Epochs, nameof(Epochs));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(BatchSize, nameof(BatchSize));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(AccumulationSteps, nameof(AccumulationSteps));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(Patience, nameof(Patience));
        if (ClipGradientNorm is { } norm && !(norm > 0))
        {
            throw new ArgumentOutOfRangeException(nameof(ClipGradientNorm), norm, "The clipping norm must be positive.");
        }
        if (ClipGradientValue is { } value && !(value > 0))
        {
            throw new ArgumentOutOfRangeException(nameof(ClipGradientValue), value, "The clipping value must be positive.");
        }
        if (LossSpikeFactor is { } factor && !(factor > 1 && double.IsFinite(factor)))
        {
            throw new ArgumentOutOfRangeException(nameof(LossSpikeFactor), factor, "The loss spike factor must be finite and greater than 1.");
        }
    }
}
