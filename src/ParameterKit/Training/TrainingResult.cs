namespace ParameterKit.Training;

/// <summary>How a training run ended.</summary>
/// <param name="Epochs">One summary per completed epoch.</param>
/// <param name="Steps">Optimizer steps taken in total (including those before a resume).</param>
/// <param name="BestEpoch">The epoch with the best early-stopping metric, or 0 without one.</param>
/// <param name="StoppedEarly">Whether early stopping or a callback ended the run.</param>
/// <param name="Cancelled">Whether the cancellation token ended the run (after a whole step).</param>
public sealed record TrainingResult(IReadOnlyList<EpochSummary> Epochs, long Steps, int BestEpoch, bool StoppedEarly, bool Cancelled);
