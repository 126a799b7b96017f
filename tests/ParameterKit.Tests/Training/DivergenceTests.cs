using ParameterKit.Training;

namespace ParameterKit.Tests.Training;

/// <summary>
/// Divergence is caught at the step that breaks, named (step, learning rate, first bad parameter), and undone;
/// learning rates that cannot work are refused before training; a loss jump of orders of magnitude reaches the
/// callbacks. All on the small blob classifier (4 → 16 → 3), in milliseconds.
/// </summary>
public sealed class DivergenceTests
{
    private static readonly BlobExample[] Train = BlobClassifierTask.Data(600, seed: 1);

    /// <summary>Records loss spikes and step losses.</summary>
    private sealed class SpikeRecorder : TrainerCallback
    {
        public List<LossSpike> Spikes { get; } = [];

        public List<float> Losses { get; } = new(capacity: 64);

        public override bool OnLossSpike(in LossSpike spike)
        {
            Spikes.Add(spike);
            return true;
        }

        public override bool OnStepEnd(in TrainingProgress progress)
        {
            Losses.Add(progress.Loss);
            return true;
        }
    }

    [Fact]
    public void A_step_that_makes_parameters_non_finite_is_reported_at_that_step_and_undone()
    {
        // AdamW's first step moves every weight by about the learning rate: 1e38 / (1 - 0.9) overflows float.
        var task = new BlobClassifierTask(3);
        float[] before = task.Store.Values.ToArray();
        var trainer = new Trainer<BlobExample>(task, new AdamW(task.Store, learningRate: 1e38), new TrainerOptions { BatchSize = 32 });

        var e = Assert.Throws<TrainingDivergedException>(() => trainer.Fit(Train));

        Assert.Equal(DivergenceKind.Value, e.Kind);
        Assert.Equal(1, e.Step);
        Assert.Equal(1e38, e.LearningRate);
        Assert.Equal("mlp.0.weight", e.ParameterName);
        Assert.True(e.ParametersRestored);
        Assert.Contains("step 1", e.Message, StringComparison.Ordinal);
        Assert.Contains("1E+38", e.Message, StringComparison.Ordinal);
        Assert.Contains("'mlp.0.weight'", e.Message, StringComparison.Ordinal);
        Assert.Equal(before, task.Store.Values.ToArray());
        Assert.Equal(0, trainer.State.Step);
    }

    [Fact]
    public void Without_the_copy_the_trainer_still_stops_at_the_breaking_step_and_says_the_values_are_left()
    {
        var task = new BlobClassifierTask(3);
        var trainer = new Trainer<BlobExample>(task, new AdamW(task.Store, learningRate: 1e38),
            new TrainerOptions { BatchSize = 32, RestoreParametersOnDivergence = false });

        var e = Assert.Throws<TrainingDivergedException>(() => trainer.Fit(Train));

        Assert.Equal(1, e.Step);
        Assert.False(e.ParametersRestored);
        Assert.Contains("left as the step made them", e.Message, StringComparison.Ordinal);
        Assert.False(System.Numerics.Tensors.TensorPrimitives.IsFiniteAll<float>(task.Store["mlp.0.weight"].Value));
    }

    [Theory]
    [InlineData(1e300)]
    [InlineData(3.5e38)]
    public void A_learning_rate_finite_as_double_but_not_as_float_is_refused_up_front(double rate)
    {
        var task = new BlobClassifierTask(3);

        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new Sgd(task.Store, rate));
        var optimizer = new Sgd(task.Store, 0.1);
        Assert.Throws<ArgumentOutOfRangeException>(() => optimizer.LearningRate = rate);
        Assert.Throws<ArgumentOutOfRangeException>(() => new ParameterKit.Training.Schedules.ConstantSchedule(rate));

        Assert.Contains("overflows float", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(double.NaN)]
    [InlineData(1e300)]
    [InlineData(-1)]
    public void A_schedule_returning_an_unusable_rate_throws_naming_the_step(double bad)
    {
        var task = new BlobClassifierTask(3);
        float[] before = task.Store.Values.ToArray();
        var trainer = new Trainer<BlobExample>(task, new Sgd(task.Store, 0.01),
            new TrainerOptions { BatchSize = 32, LearningRate = step => step == 3 ? bad : 0.01 });

        var e = Assert.Throws<InvalidOperationException>(() => trainer.Fit(Train));

        Assert.Contains("step 4 (schedule step 3)", e.Message, StringComparison.Ordinal);
        Assert.Equal(3, trainer.State.Step);
        Assert.NotEqual(before, task.Store.Values.ToArray());
    }

    [Fact]
    public void Loss_and_gradient_divergence_name_the_learning_rate_and_say_the_step_was_not_taken()
    {
        var task = new BlobClassifierTask(3) { PoisonGradient = ("mlp.3.bias", 2) };
        var trainer = new Trainer<BlobExample>(task, new AdamW(task.Store, learningRate: 0.01), new TrainerOptions { BatchSize = 32 });

        var e = Assert.Throws<TrainingDivergedException>(() => trainer.Fit(Train));

        Assert.Equal(DivergenceKind.Gradient, e.Kind);
        Assert.Equal(2, e.Step);
        Assert.Equal(0.01, e.LearningRate);
        Assert.Contains("learning rate 0.01", e.Message, StringComparison.Ordinal);
        Assert.Contains("not taken", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_loss_jump_of_orders_of_magnitude_reaches_the_callbacks_and_training_goes_on()
    {
        // Batch 11 (examples 320-351, no shuffling) has its features scaled by -1e10, as in issue 17 (negated, so the
        // logits are confidently wrong rather than confidently right): with clipping the step stays finite, so
        // nothing would be said without the spike report.
        var poisoned = Train.Select((e, i) => i / 32 == 10 ? e with { Features = [.. e.Features.Select(f => f * -1e10f)] } : e).ToArray();
        var task = new BlobClassifierTask(3);
        var trainer = new Trainer<BlobExample>(task, new AdamW(task.Store, learningRate: 0.01),
            new TrainerOptions { BatchSize = 32, Shuffle = false, ClipGradientNorm = 1f });
        var recorder = new SpikeRecorder();
        trainer.Callbacks.Add(recorder);

        TrainingResult result = trainer.Fit(poisoned);

        Assert.True(recorder.Spikes.Count > 0, "no spike among step losses " + string.Join(", ", recorder.Losses));
        LossSpike spike = recorder.Spikes[0];
        Assert.Equal(11, spike.Step);
        Assert.Equal(recorder.Losses[10], spike.Loss);
        Assert.True(spike.Ratio >= 1000, $"ratio {spike.Ratio}");
        Assert.InRange(spike.RunningMean, recorder.Losses.Take(10).Min(), recorder.Losses.Take(10).Max());
        Assert.Equal(0.01, spike.LearningRate);
        Assert.Equal(19, result.Steps);
    }

    [Fact]
    public void An_ordinary_run_reports_no_spike_and_a_callback_can_stop_at_one()
    {
        var task = new BlobClassifierTask(3);
        var trainer = new Trainer<BlobExample>(task, new AdamW(task.Store, learningRate: 0.01), new TrainerOptions { Epochs = 3, BatchSize = 32 });
        var recorder = new SpikeRecorder();
        trainer.Callbacks.Add(recorder);
        trainer.Fit(Train);
        Assert.Empty(recorder.Spikes);

        // A factor of 1.01 flags the first step whose loss rises by 1% over the running mean; stopping there ends the run.
        var strictTask = new BlobClassifierTask(3);
        var strict = new Trainer<BlobExample>(strictTask, new AdamW(strictTask.Store, learningRate: 0.5),
            new TrainerOptions { Epochs = 3, BatchSize = 32, LossSpikeFactor = 1.01 });
        var stopper = new StopAtSpike();
        strict.Callbacks.Add(stopper);
        TrainingResult stopped = strict.Fit(Train);
        Assert.True(stopped.StoppedEarly);
        Assert.Equal(stopper.StoppedAt, stopped.Steps);
    }

    [Fact]
    public void The_spike_factor_is_validated()
    {
        var task = new BlobClassifierTask(3);
        Assert.Throws<ArgumentOutOfRangeException>(() => new Trainer<BlobExample>(task, new Sgd(task.Store, 0.1), new TrainerOptions { LossSpikeFactor = 1 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Trainer<BlobExample>(task, new Sgd(task.Store, 0.1), new TrainerOptions { LossSpikeFactor = double.NaN }));
    }

    private sealed class StopAtSpike : TrainerCallback
    {
        public long StoppedAt { get; private set; } = -1;

        public override bool OnLossSpike(in LossSpike spike)
        {
            StoppedAt = spike.Step;
            return false;
        }
    }
}
