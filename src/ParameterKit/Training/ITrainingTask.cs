namespace ParameterKit.Training;

/// <summary>
/// What the <see cref="Trainer{TExample}"/> trains: a model and its loss, seen as two operations on examples.
/// Implement it to train any model with the loop (shuffling, batching, accumulation, clipping, schedules,
/// evaluation, early stopping, checkpoints); the loop never needs to know the model's shapes.
/// </summary>
/// <typeparam name="TExample">One training example (for a classifier: token ids and a label).</typeparam>
public interface ITrainingTask<TExample>
{
    /// <summary>
    /// Runs forward, loss and backward on one micro-batch, adding the gradients of the mean loss over the batch
    /// into the store's gradients (the trainer zeroes them between optimizer steps). Must not allocate in steady
    /// state if training is to be allocation-free.
    /// </summary>
    /// <param name="batch">The examples of this micro-batch.</param>
    /// <returns>The mean loss over the batch.</returns>
    float TrainBatch(ReadOnlySpan<TExample> batch);

    /// <summary>Evaluates the model (in evaluation mode: no dropout) on <paramref name="examples"/>.</summary>
    /// <param name="examples">The validation set.</param>
    /// <returns>The mean loss and named metrics (for example <c>accuracy</c>, <c>macro_f1</c>).</returns>
    EvaluationResult Evaluate(IReadOnlyList<TExample> examples);
}

/// <summary>The result of evaluating a model on a data set.</summary>
/// <param name="Loss">Mean loss.</param>
/// <param name="Metrics">Named metrics, higher or lower is better as each defines.</param>
public sealed record EvaluationResult(double Loss, IReadOnlyDictionary<string, double> Metrics)
{
    /// <summary>The value of <paramref name="name"/>; <c>"loss"</c> names <see cref="Loss"/>.</summary>
    /// <param name="name">A metric name.</param>
    /// <exception cref="KeyNotFoundException">The metric was not reported.</exception>
    public double this[string name] =>
        name == "loss" ? Loss
        : Metrics.TryGetValue(name, out double value) ? value
        : throw new KeyNotFoundException($"The evaluation reported no metric '{name}'; it has: loss, {string.Join(", ", Metrics.Keys)}.");
}
