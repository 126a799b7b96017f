using ParameterKit.Training;

namespace ParameterKit.Tests.Training;

public sealed class TrainerTests
{
    private static readonly BlobExample[] Train = BlobClassifierTask.Data(600, seed: 1);
    private static readonly BlobExample[] Dev = BlobClassifierTask.Data(150, seed: 2);

    /// <summary>Records every step's loss, and can cancel or stop at a given step.</summary>
    private sealed class Recorder : TrainerCallback
    {
        public List<float> Losses { get; } = new(capacity: 4096);

        public List<long> AllocatedPerStep { get; } = new(capacity: 4096); // pre-sized: growing would allocate mid-run

        public CancellationTokenSource? CancelAt { get; init; }

        public long CancelStep { get; init; } = -1;

        public override bool OnStepEnd(in TrainingProgress progress)
        {
            Losses.Add(progress.Loss);
            AllocatedPerStep.Add(GC.GetAllocatedBytesForCurrentThread());
            if (progress.Step == CancelStep)
            {
                CancelAt?.Cancel();
            }
            return true;
        }
    }

    private static (Trainer<BlobExample> Trainer, BlobClassifierTask Task, Recorder Recorder) Create(TrainerOptions options, ulong seed = 3)
    {
        var task = new BlobClassifierTask(seed);
        var trainer = new Trainer<BlobExample>(task, new AdamW(task.Store, learningRate: 0.01), options);
        var recorder = new Recorder();
        trainer.Callbacks.Add(recorder);
        return (trainer, task, recorder);
    }

    [Fact]
    public void TrainsTheToyProblemAndReportsProgress()
    {
        var (trainer, _, recorder) = Create(new TrainerOptions { Epochs = 4, BatchSize = 32, Seed = 5 });
        var reports = new List<TrainingProgress>();
        var result = trainer.Fit(Train, Dev, new SynchronousProgress(reports.Add));
        Assert.Equal(4, result.Epochs.Count);
        Assert.Equal(4 * 19, result.Steps);                               // ceil(600 / 32) = 19 steps per epoch
        Assert.Equal(result.Steps, reports.Count);
        Assert.Equal(Enumerable.Range(1, 76).Select(i => (long)i), reports.Select(r => r.Step));
        Assert.All(reports, r => Assert.True(r.TotalSteps == 76 && r.EstimatedRemaining >= TimeSpan.Zero && r.ExamplesPerSecond > 0));
        Assert.True(recorder.Losses[^1] < recorder.Losses[0] / 4, $"loss fell only from {recorder.Losses[0]} to {recorder.Losses[^1]}");
        Assert.True(result.Epochs[^1].Validation!["accuracy"] > 0.95);
        Assert.True(result.Epochs[^1].TrainingLoss < result.Epochs[0].TrainingLoss);
    }

    [Theory]
    [InlineData(32, 1, 2)]     // ceil(600 / 32) = 19 batches, one step each
    [InlineData(32, 4, 3)]     // 19 batches in groups of 4: 5 steps per epoch, the last of 3 batches
    [InlineData(50, 12, 1)]    // 12 batches in one group: a single step for the whole set
    [InlineData(7, 3, 1)]      // 86 batches, the last of 5 examples; 29 steps
    public void OptimizerStepsIsWhatTheRunTakes(int batchSize, int accumulation, int epochs)
    {
        // A schedule that must end with the run is built from OptimizerSteps before the run: it must agree with the steps
        // the trainer takes and reports.
        var options = new TrainerOptions { Epochs = epochs, BatchSize = batchSize, AccumulationSteps = accumulation, Seed = 5 };
        var (trainer, _, _) = Create(options);
        var reports = new List<TrainingProgress>();
        var result = trainer.Fit(Train, progress: new SynchronousProgress(reports.Add));
        Assert.Equal(result.Steps, options.OptimizerSteps(Train.Length));
        Assert.All(reports, r => Assert.Equal(result.Steps, r.TotalSteps));
    }

    [Fact]
    public void TheSameSeedGivesBitIdenticalLosses()
    {
        var options = new TrainerOptions { Epochs = 2, BatchSize = 16, Seed = 9, ClipGradientNorm = 1f };
        var (first, _, a) = Create(options);
        first.Fit(Train);
        var (second, _, b) = Create(options);
        second.Fit(Train);
        Assert.Equal(a.Losses, b.Losses);
        var (third, _, c) = Create(options with { Seed = 10 });
        third.Fit(Train);
        Assert.NotEqual(a.Losses, c.Losses);
    }

    [Fact]
    public void CancellationStopsAfterTheCurrentStep()
    {
        using var cancel = new CancellationTokenSource();
        var task = new BlobClassifierTask(3);
        var trainer = new Trainer<BlobExample>(task, new Sgd(task.Store, 0.1), new TrainerOptions { Epochs = 3, BatchSize = 32 });
        trainer.Callbacks.Add(new Recorder { CancelAt = cancel, CancelStep = 7 });
        var result = trainer.Fit(Train, Dev, cancellationToken: cancel.Token);
        Assert.True(result.Cancelled);
        Assert.Equal(7, result.Steps);
        Assert.Equal(7, trainer.State.BatchInEpoch);
        Assert.Empty(result.Epochs);
    }

    [Fact]
    public void NonFiniteGradientsNameTheStepAndParameter()
    {
        var task = new BlobClassifierTask(3) { PoisonGradient = ("mlp.3.bias", 5) };
        var trainer = new Trainer<BlobExample>(task, new AdamW(task.Store), new TrainerOptions { BatchSize = 32 });
        var ex = Assert.Throws<TrainingDivergedException>(() => trainer.Fit(Train));
        Assert.Equal(5, ex.Step);
        Assert.Equal("mlp.3.bias", ex.ParameterName);
        Assert.Contains("mlp.3.bias", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void NonFiniteLossStopsTraining()
    {
        var task = new BlobClassifierTask(3);
        var poisoned = Train.Select((e, i) => i == 40 ? e with { Features = [float.NaN, 0, 0, 0] } : e).ToArray();
        var trainer = new Trainer<BlobExample>(task, new AdamW(task.Store), new TrainerOptions { BatchSize = 32, Shuffle = false });
        var ex = Assert.Throws<TrainingDivergedException>(() => trainer.Fit(poisoned));
        Assert.Equal(2, ex.Step);  // example 40 is in the second batch of 32
        Assert.Null(ex.ParameterName);
    }

    [Fact]
    public void EarlyStoppingWaitsForPatienceAndRestoresTheBestParameters()
    {
        var (trainer, task, _) = Create(new TrainerOptions
        {
            Epochs = 50, BatchSize = 64, EarlyStoppingMetric = "accuracy", Patience = 2, RestoreBestParameters = true,
        });
        var result = trainer.Fit(Train, Dev);
        Assert.True(result.StoppedEarly);
        Assert.True(result.Epochs.Count < 50);
        Assert.Equal(result.Epochs.Count - 2, result.BestEpoch);
        // Accuracy saturates on the blobs, so it stops improving; the parameters are those of the best epoch.
        var best = result.Epochs[result.BestEpoch - 1].Validation!;
        Assert.Equal(best.Loss, task.Evaluate(Dev).Loss, 6);
        Assert.NotEqual(result.Epochs[^1].Validation!.Loss, best.Loss);
    }

    [Fact]
    public void AccumulatingTwoHalvesEqualsOneFullBatch()
    {
        // Without dropout the mean gradient of two halves of 32 equals that of the whole 64 (up to rounding).
        var wholeTask = new BlobClassifierTask(4, dropout: 0f);
        var halvesTask = new BlobClassifierTask(4, dropout: 0f);
        new Trainer<BlobExample>(wholeTask, new AdamW(wholeTask.Store, 0.01), new TrainerOptions { BatchSize = 64, Shuffle = false }).Fit(Train);
        new Trainer<BlobExample>(halvesTask, new AdamW(halvesTask.Store, 0.01), new TrainerOptions { BatchSize = 32, AccumulationSteps = 2, Shuffle = false }).Fit(Train);
        var a = wholeTask.Store.Values.ToArray();
        var b = halvesTask.Store.Values.ToArray();
        Assert.NotEqual(a, new BlobClassifierTask(4, dropout: 0f).Store.Values.ToArray()); // a step was taken
        for (int i = 0; i < a.Length; i++)
        {
            Assert.True(Math.Abs(a[i] - b[i]) <= 1e-5f * (1 + Math.Abs(a[i])), $"value {i}: {a[i]} vs {b[i]}");
        }
    }

    [Fact]
    public void SteadyStateStepsAllocateNothing()
    {
        var (trainer, _, recorder) = Create(new TrainerOptions { Epochs = 1, BatchSize = 8, Seed = 1 });
        trainer.Fit(Train);
        // Between step 10 and the last step of the epoch nothing is allocated (the first steps warm up buffers and JIT).
        long allocated = recorder.AllocatedPerStep[^1] - recorder.AllocatedPerStep[10];
        Assert.Equal(0, allocated);
    }

    [Fact]
    public void OptionsAreValidated()
    {
        var task = new BlobClassifierTask(3);
        Assert.Throws<ArgumentOutOfRangeException>(() => new Trainer<BlobExample>(task, new Sgd(task.Store, 0.1), new TrainerOptions { BatchSize = 0 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Trainer<BlobExample>(task, new Sgd(task.Store, 0.1), new TrainerOptions { ClipGradientNorm = -1 }));
        var trainer = new Trainer<BlobExample>(task, new Sgd(task.Store, 0.1));
        Assert.Throws<ArgumentException>(() => trainer.Fit([]));
    }

    /// <summary>Reports synchronously on the training thread (Progress&lt;T&gt; would post to a thread-pool context).</summary>
    private sealed class SynchronousProgress(Action<TrainingProgress> report) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => report(value);
    }
}
