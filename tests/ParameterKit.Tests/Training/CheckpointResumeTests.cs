using ParameterKit.SafeTensors;
using ParameterKit.Training;

namespace ParameterKit.Tests.Training;

/// <summary>Interrupt a run, save, rebuild everything from scratch, load, resume: the losses must be bit-identical.</summary>
public sealed class CheckpointResumeTests : IDisposable
{
    private static readonly BlobExample[] Train = BlobClassifierTask.Data(300, seed: 1);
    private readonly string _folder = Directory.CreateTempSubdirectory("pk-resume-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private sealed class LossRecorder(long cancelAtStep, CancellationTokenSource? cancel) : TrainerCallback
    {
        public List<float> Losses { get; } = [];

        public override bool OnStepEnd(in TrainingProgress progress)
        {
            Losses.Add(progress.Loss);
            if (progress.Step == cancelAtStep)
            {
                cancel?.Cancel();
            }
            return true;
        }
    }

    private static TrainerOptions Options => new()
    {
        Epochs = 3, BatchSize = 16, AccumulationSteps = 2, Seed = 77, ClipGradientNorm = 5f,
        LearningRate = step => 0.02 * Math.Min(1.0, (step + 1) / 5.0),
    };

    [Theory]
    [InlineData("adamw")]
    [InlineData("sgd")]
    public void ResumingContinuesWithBitIdenticalLosses(string optimizerName)
    {
        Optimizer Make(BlobClassifierTask task) => optimizerName == "sgd" ? new Sgd(task.Store, 0.05, momentum: 0.9) : new AdamW(task.Store);

        // The uninterrupted run.
        var full = new BlobClassifierTask(seed: 11);
        var fullRecorder = new LossRecorder(-1, null);
        var fullTrainer = new Trainer<BlobExample>(full, Make(full), Options);
        fullTrainer.Callbacks.Add(fullRecorder);
        fullTrainer.Fit(Train);

        // Interrupted mid-epoch 2 (10 steps per epoch), saved, and abandoned.
        using var cancel = new CancellationTokenSource();
        var first = new BlobClassifierTask(seed: 11);
        var firstOptimizer = Make(first);
        var firstRecorder = new LossRecorder(13, cancel);
        var firstTrainer = new Trainer<BlobExample>(first, firstOptimizer, Options);
        firstTrainer.Callbacks.Add(firstRecorder);
        var stopped = firstTrainer.Fit(Train, cancellationToken: cancel.Token);
        Assert.True(stopped.Cancelled);
        string path = Path.Combine(_folder, "run.safetensors");
        TrainingCheckpoint.Save(path, firstOptimizer, firstTrainer.State, new Dictionary<string, string> { ["labels"] = "a,b,c" });

        // A new process would rebuild the model with any seed: the checkpoint overwrites everything that matters.
        var resumed = new BlobClassifierTask(seed: 999);
        var resumedOptimizer = Make(resumed);
        var state = TrainingCheckpoint.Load(path, resumedOptimizer);
        Assert.Equal(13, state.Step);
        var resumedRecorder = new LossRecorder(-1, null);
        var resumedTrainer = new Trainer<BlobExample>(resumed, resumedOptimizer, Options);
        resumedTrainer.Callbacks.Add(resumedRecorder);
        var result = resumedTrainer.Fit(Train, resume: state);

        Assert.Equal(fullRecorder.Losses, firstRecorder.Losses.Concat(resumedRecorder.Losses));
        Assert.Equal(full.Store.Values.ToArray(), resumed.Store.Values.ToArray());
        Assert.Equal(30, result.Steps);
    }

    [Fact]
    public void WeightsInATrainingCheckpointLoadIntoAPlainStore()
    {
        var task = new BlobClassifierTask(seed: 5);
        var optimizer = new AdamW(task.Store);
        var trainer = new Trainer<BlobExample>(task, optimizer, new TrainerOptions { BatchSize = 50 });
        trainer.Fit(Train);
        string path = Path.Combine(_folder, "weights.safetensors");
        TrainingCheckpoint.Save(path, optimizer, trainer.State);

        using (var file = SafeTensorsFile.Open(path))
        {
            Assert.Equal("1", file.Metadata!["parameterkit.checkpoint_version"]);
            Assert.Equal(task.Store.ElementCount, (long)file.GetTensor("optimizer/exp_avg").ElementCount);
        }
        var fresh = new BlobClassifierTask(seed: 6);
        var report = fresh.Store.Load(path, new CheckpointLoadOptions { Strict = false });
        Assert.Empty(report.Missing);
        Assert.Equal(["optimizer/exp_avg", "optimizer/exp_avg_sq"], report.Unexpected.Order(StringComparer.Ordinal));
        Assert.Equal(task.Store.Values.ToArray(), fresh.Store.Values.ToArray());
    }

    [Fact]
    public void LoadingIntoAnotherOptimizerOrAPlainFileFailsClearly()
    {
        var task = new BlobClassifierTask(seed: 5);
        string path = Path.Combine(_folder, "c.safetensors");
        TrainingCheckpoint.Save(path, new AdamW(task.Store), new TrainerState());
        var ex = Assert.Throws<InvalidDataException>(() => TrainingCheckpoint.Load(path, new Sgd(task.Store, 0.1)));
        Assert.Contains("AdamW", ex.Message, StringComparison.Ordinal);

        string plain = Path.Combine(_folder, "plain.safetensors");
        task.Store.Save(plain);
        Assert.Throws<InvalidDataException>(() => TrainingCheckpoint.Load(plain, new AdamW(task.Store)));
    }

    [Theory]
    [InlineData("optimizer.learning_rate", "abc", "not a number")]
    [InlineData("optimizer.learning_rate", "NaN", "not a finite rate")]
    [InlineData("optimizer.step_count", "99999999999999999999", "not a whole number")]
    [InlineData("optimizer.step_count", "-5", "not a whole number")]
    [InlineData("trainer.epoch", "4294967297", "not a whole number from 0 to 2147483647")]   // was cast to 1
    public void A_checkpoint_refused_for_its_metadata_leaves_the_model_and_optimizer_as_they_were(string key, string value, string says)
    {
        var saved = new BlobClassifierTask(seed: 5);
        string good = Path.Combine(_folder, "good.safetensors");
        TrainingCheckpoint.Save(good, new AdamW(saved.Store), new TrainerState());
        string bad = Path.Combine(_folder, "bad.safetensors");
        using (var file = SafeTensorsFile.Open(good))
        {
            var meta = file.Metadata!.ToDictionary();
            meta[key] = value;
            var writer = new SafeTensorsWriter(meta);
            foreach (SafeTensorInfo tensor in file.Tensors)
            {
                writer.Add(tensor.Name, tensor.DType, tensor.Dimensions, file.GetBytes(tensor).ToArray());
            }
            writer.Save(bad);
        }

        var target = new BlobClassifierTask(seed: 6);
        var optimizer = new AdamW(target.Store, learningRate: 0.01);
        float[] before = target.Store.Values.ToArray();
        var e = Assert.Throws<InvalidDataException>(() => TrainingCheckpoint.Load(bad, optimizer));
        Assert.Contains($"'{key}' is '{value}'", e.Message, StringComparison.Ordinal);
        Assert.Contains(says, e.Message, StringComparison.Ordinal);
        Assert.Equal(before, target.Store.Values.ToArray());
        Assert.Equal(0.01, optimizer.LearningRate);
        Assert.Equal(0, optimizer.StepCount);
    }
}
