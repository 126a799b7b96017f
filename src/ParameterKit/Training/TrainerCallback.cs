namespace ParameterKit.Training;

/// <summary>
/// Hooks into the training loop. Override what you need; each method runs on the training thread, between steps,
/// so it may read parameters, save files or log. Return values let a callback stop training.
/// </summary>
public abstract class TrainerCallback
{
    /// <summary>After every optimizer step.</summary>
    /// <param name="progress">The step's progress report.</param>
    /// <returns><see langword="false"/> to stop training after this step.</returns>
    public virtual bool OnStepEnd(in TrainingProgress progress) => true;

    /// <summary>
    /// When a step's loss is at least <see cref="TrainerOptions.LossSpikeFactor"/> times the running mean of the
    /// earlier steps, right before <see cref="OnStepEnd"/> for that step. The default does nothing, so a spike is
    /// only a report; log it, save a checkpoint, or stop.
    /// </summary>
    /// <param name="spike">The step, its loss, the running mean and the learning rate.</param>
    /// <returns><see langword="false"/> to stop training after this step.</returns>
    public virtual bool OnLossSpike(in LossSpike spike) => true;

    /// <summary>After every epoch, once the validation set (if any) is evaluated.</summary>
    /// <param name="summary">What the epoch did.</param>
    /// <returns><see langword="false"/> to stop training.</returns>
    public virtual bool OnEpochEnd(EpochSummary summary) => true;
}
