using System.Diagnostics;
using System.Numerics.Tensors;
using ParameterKit.Parameters;
using ParameterKit.Parameters.Initializers;

namespace ParameterKit.Training;

/// <summary>
/// The training loop: epochs over a data set with seeded shuffling, micro-batches with gradient accumulation,
/// clipping, a learning-rate schedule, validation each epoch, early stopping, callbacks, progress reports,
/// divergence checks and clean cancellation. The model and loss come from an <see cref="ITrainingTask{TExample}"/>.
/// </summary>
/// <typeparam name="TExample">One training example.</typeparam>
/// <example><code>
/// var trainer = new Trainer&lt;Example&gt;(task, new AdamW(store, 1e-3), new TrainerOptions { Epochs = 3, BatchSize = 64 });
/// var result = trainer.Fit(train, dev, progress: new Progress&lt;TrainingProgress&gt;(p => Console.Write($"\r{p.Step}/{p.TotalSteps} {p.Loss:F3}")));
/// </code></example>
public sealed class Trainer<TExample>
{
    private readonly ITrainingTask<TExample> _task;
    private readonly Optimizer _optimizer;
    private readonly TrainerOptions _options;

    /// <summary>Creates a trainer.</summary>
    /// <param name="task">The model and its loss.</param>
    /// <param name="optimizer">The optimizer over the model's store.</param>
    /// <param name="options">How to run; defaults when null.</param>
    public Trainer(ITrainingTask<TExample> task, Optimizer optimizer, TrainerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(task);
        ArgumentNullException.ThrowIfNull(optimizer);
        _task = task;
        _optimizer = optimizer;
        _options = options ?? new TrainerOptions();
        _options.Validate();
    }

    /// <summary>Callbacks run after each step and each epoch, in order.</summary>
    public IList<TrainerCallback> Callbacks { get; } = new List<TrainerCallback>();

    /// <summary>The state of the last (or current) run; pass it to <see cref="Fit"/> with a checkpoint to resume.</summary>
    public TrainerState State { get; private set; } = new();

    private ParameterStore Store => _optimizer.Store;

    /// <summary>Trains on <paramref name="training"/>, evaluating on <paramref name="validation"/> after each epoch.</summary>
    /// <param name="training">The training examples (not modified; shuffling permutes indices).</param>
    /// <param name="validation">Validation examples, or null.</param>
    /// <param name="progress">Receives a report after each optimizer step, or null.</param>
    /// <param name="resume">A state restored from a checkpoint, to continue a run; null starts afresh.</param>
    /// <param name="cancellationToken">Stops training cleanly after the current step.</param>
    /// <returns>The epochs' summaries and how the run ended; <see cref="State"/> then holds where it stopped.</returns>
    /// <exception cref="TrainingDivergedException">A loss, a gradient or (after a step) a parameter value became NaN or infinite; the values from before that step are restored unless <see cref="TrainerOptions.RestoreParametersOnDivergence"/> is off.</exception>
    /// <exception cref="InvalidOperationException">The learning-rate schedule returned a negative, NaN or (as a float) infinite rate; the message names the step.</exception>
    /// <exception cref="ArgumentException">The training set is empty.</exception>
    public TrainingResult Fit(
        IReadOnlyList<TExample> training, IReadOnlyList<TExample>? validation = null, IProgress<TrainingProgress>? progress = null,
        TrainerState? resume = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(training);
        if (training.Count == 0)
        {
            throw new ArgumentException("The training set is empty.", nameof(training));
        }
        var o = _options;
        var state = resume ?? new TrainerState();
        State = state;
        int batchesPerEpoch = (training.Count + o.BatchSize - 1) / o.BatchSize;
        long totalSteps = o.OptimizerSteps(training.Count);
        var order = new int[training.Count];
        var batch = new TExample[o.BatchSize];
        var epochs = new List<EpochSummary>();
        float[]? bestValues = null;
        // The values before the current step, so a step that makes them non-finite can be undone; allocated once.
        float[]? lastFinite = o.RestoreParametersOnDivergence ? new float[Store.Values.Length] : null;
        double runningLoss = double.NaN;
        var clock = Stopwatch.StartNew();
        long examplesThisRun = 0, stepsThisRun = 0;
        bool stoppedEarly = false, cancelled = false;

        for (int epoch = state.Epoch; epoch < o.Epochs && !stoppedEarly && !cancelled; epoch++)
        {
            FillOrder(order, epoch);
            int micro = 0;
            double stepLoss = 0;
            for (int b = state.BatchInEpoch; b < batchesPerEpoch; b++)
            {
                if (micro == 0)
                {
                    Store.ZeroGradients();
                }
                int start = b * o.BatchSize, count = Math.Min(o.BatchSize, training.Count - start);
                for (int i = 0; i < count; i++)
                {
                    batch[i] = training[order[start + i]];
                }
                float loss = _task.TrainBatch(batch.AsSpan(0, count));
                if (!float.IsFinite(loss))
                {
                    throw new TrainingDivergedException(DivergenceKind.Loss, state.Step + 1, null, loss, RateFor(state.Step), parametersRestored: false);
                }
                micro++;
                stepLoss += loss;
                state.EpochLossSum += loss;
                examplesThisRun += count;
                if (micro < o.AccumulationSteps && b < batchesPerEpoch - 1)
                {
                    continue;
                }

                float meanLoss = (float)(stepLoss / micro);
                double rate = RateFor(state.Step);
                float norm = PrepareGradients(micro, meanLoss, state.Step + 1, rate);
                _optimizer.LearningRate = rate;
                if (lastFinite is not null)
                {
                    Store.Values.CopyTo(lastFinite);
                }
                _optimizer.Step();
                CheckValuesAfterStep(state.Step + 1, meanLoss, rate, lastFinite);
                state.Step++;
                stepsThisRun++;
                state.BatchInEpoch = b + 1;

                var elapsed = clock.Elapsed;
                double perStep = elapsed.TotalSeconds / stepsThisRun;
                var report = new TrainingProgress(
                    state.Step, totalSteps, epoch + 1, o.Epochs, (float)(stepLoss / micro), rate,
                    examplesThisRun / Math.Max(elapsed.TotalSeconds, 1e-9), elapsed,
                    TimeSpan.FromSeconds(perStep * (totalSteps - state.Step)), norm);
                progress?.Report(report);
                double meanBefore = runningLoss;
                bool spiked = IsSpike(meanLoss, meanBefore);
                runningLoss = double.IsNaN(runningLoss) ? meanLoss : 0.9 * runningLoss + 0.1 * meanLoss;
                for (int c = 0; c < Callbacks.Count; c++) // indexing, not foreach: no enumerator allocated per step
                {
                    if (spiked)
                    {
                        stoppedEarly |= !Callbacks[c].OnLossSpike(new LossSpike(state.Step, meanLoss, meanBefore, rate));
                    }
                    stoppedEarly |= !Callbacks[c].OnStepEnd(report);
                }
                micro = 0;
                stepLoss = 0;
                if (cancellationToken.IsCancellationRequested)
                {
                    cancelled = true;
                }
                if (stoppedEarly || cancelled)
                {
                    break;
                }
            }
            if (cancelled || (stoppedEarly && state.BatchInEpoch < batchesPerEpoch))
            {
                break;
            }

            var evaluation = validation is { Count: > 0 } ? _task.Evaluate(validation) : null;
            var summary = new EpochSummary(epoch + 1, state.EpochLossSum / batchesPerEpoch, evaluation, state.Step);
            epochs.Add(summary);
            state.Epoch = epoch + 1;
            state.BatchInEpoch = 0;
            state.EpochLossSum = 0;
            if (evaluation is not null && o.EarlyStoppingMetric is { } metric)
            {
                stoppedEarly |= TrackBest(state, evaluation[metric], epoch + 1, ref bestValues);
            }
            foreach (var callback in Callbacks)
            {
                stoppedEarly |= !callback.OnEpochEnd(summary);
            }
        }

        if (o.RestoreBestParameters && bestValues is not null)
        {
            bestValues.CopyTo(Store.Values);
        }
        return new TrainingResult(epochs, state.Step, state.BestEpoch, stoppedEarly, cancelled);
    }

    /// <summary>
    /// The learning rate of step <paramref name="step"/> (0-based, as schedules count): the schedule's, or the
    /// optimizer's own. A schedule's value is checked here, where the step is known, rather than by the optimizer's
    /// setter, whose error could not say which step asked for NaN.
    /// </summary>
    private double RateFor(long step)
    {
        if (_options.LearningRate is not { } schedule)
        {
            return _optimizer.LearningRate;
        }
        double rate = schedule(step);
        if (!(rate >= 0 && rate <= float.MaxValue))
        {
            throw new InvalidOperationException(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"The learning-rate schedule returned {rate} for step {step + 1} (schedule step {step}); a learning rate must be non-negative and finite as a float."));
        }
        return rate;
    }

    /// <summary>
    /// One pass over the trainable values after the optimizer step: if the step made any of them NaN or infinite,
    /// puts the values from before the step back (when a copy was kept) and throws, naming the first such parameter.
    /// </summary>
    private void CheckValuesAfterStep(long step, float loss, double rate, float[]? lastFinite)
    {
        var parameters = Store.Parameters;
        for (int p = 0; p < parameters.Count; p++) // indexing, not foreach: no enumerator allocated per step
        {
            var parameter = parameters[p];
            if (parameter.IsTrainable && !TensorPrimitives.IsFiniteAll<float>(parameter.Value))
            {
                lastFinite?.CopyTo(Store.Values);
                throw new TrainingDivergedException(DivergenceKind.Value, step, parameter.Name, loss, rate, parametersRestored: lastFinite is not null);
            }
        }
    }

    /// <summary>Whether a step's loss is at least <see cref="TrainerOptions.LossSpikeFactor"/> times the running mean before it.</summary>
    private bool IsSpike(float loss, double runningMean) =>
        _options.LossSpikeFactor is { } factor && runningMean > 0 && loss >= factor * runningMean;

    /// <summary>Averages accumulated gradients, checks they are finite, and clips them; returns the pre-clip norm (NaN without norm clipping).</summary>
    private float PrepareGradients(int microBatches, float loss, long step, double rate)
    {
        if (microBatches > 1)
        {
            // Each micro-batch added the gradient of its mean loss; the step wants the mean over micro-batches.
            TensorPrimitives.Multiply(Store.GradientsForSweep, 1f / microBatches, Store.GradientsForSweep);
        }
        // With clipping by norm, the norm pass doubles as the health check: it is finite exactly when every gradient
        // is (or a square overflowed), so the search for the bad parameter runs only when it is not.
        float norm = float.NaN;
        bool checkedFinite = false;
        if (_options.ClipGradientNorm is { } maxNorm)
        {
            norm = GradientClipping.ClipByGlobalNorm(Store, maxNorm);
            checkedFinite = float.IsFinite(norm);
        }
        if (!checkedFinite && GradientClipping.FirstNonFiniteGradient(Store) is { } bad)
        {
            throw new TrainingDivergedException(DivergenceKind.Gradient, step, bad.Name, loss, rate, parametersRestored: false);
        }
        if (_options.ClipGradientValue is { } limit)
        {
            GradientClipping.ClipByValue(Store, limit);
        }
        return norm;
    }

    /// <summary>Updates the early-stopping record; returns whether patience ran out.</summary>
    private bool TrackBest(TrainerState state, double value, int epoch, ref float[]? bestValues)
    {
        bool better = double.IsNaN(state.BestMetric) || (_options.HigherIsBetter ? value > state.BestMetric : value < state.BestMetric);
        if (better)
        {
            state.BestMetric = value;
            state.BestEpoch = epoch;
            state.EpochsWithoutImprovement = 0;
            if (_options.RestoreBestParameters)
            {
                bestValues ??= new float[Store.Values.Length];
                Store.Values.CopyTo(bestValues);
            }
            return false;
        }
        state.EpochsWithoutImprovement++;
        return state.EpochsWithoutImprovement >= _options.Patience;
    }

    /// <summary>The visiting order of epoch <paramref name="epoch"/>: a Fisher–Yates shuffle seeded by (seed, epoch).</summary>
    private void FillOrder(int[] order, int epoch)
    {
        for (int i = 0; i < order.Length; i++)
        {
            order[i] = i;
        }
        if (!_options.Shuffle)
        {
            return;
        }
        var random = new SeededRandom(_options.Seed ^ (0xD1B54A32D192ED03UL * (ulong)(epoch + 1)));
        for (int i = order.Length - 1; i > 0; i--)
        {
            int j = (int)(random.NextUInt64() % (ulong)(i + 1));
            (order[i], order[j]) = (order[j], order[i]);
        }
    }
}
