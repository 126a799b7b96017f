using ParameterKit.Adapters;
using ParameterKit.Models.Gpt2;
using ParameterKit.SafeTensors;
using ParameterKit.Training;
using static ParameterKit.Tests.Adapters.LoraTestModels;

namespace ParameterKit.Tests.Adapters;

/// <summary>LoRA fine-tuning with the Trainer: optimizer state and checkpoints for the adapters only, bit-identical resume.</summary>
public sealed class LoraTrainingTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("pk-lora-train-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    // A repeating token stream the tiny model can learn something from.
    private static readonly List<int[]> Windows =
        Gpt2LanguageModelTask.Windows([.. Enumerable.Range(0, 200).Select(i => (i * 7 + i / 5) % 101)], length: 9, stride: 4);

    private static TrainerOptions Options => new()
    {
        Epochs = 2, BatchSize = 4, AccumulationSteps = 2, Seed = 5, ClipGradientNorm = 1f,
        LearningRate = step => 1e-2 * Math.Min(1.0, (step + 1) / 4.0),
    };

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

    private static (Gpt2Model Model, LoraAdapters Lora, AdamW Optimizer) Build(ulong loraSeed)
    {
        var model = TinyGpt2();
        var lora = LoraAdapters.Attach(model.Store, new LoraOptions { Rank = 4, Alpha = 8, Dropout = 0.1, TargetModules = ["c_attn", "c_fc"], Seed = loraSeed });
        return (model, lora, new AdamW(lora.Store, 1e-2, weightDecay: 0.01));
    }

    [Fact]
    public void TrainingMovesOnlyTheAdaptersAndKeepsStateForThemAlone()
    {
        var (model, lora, optimizer) = Build(1);
        float[] baseBefore = model.Store.Values.ToArray();
        var task = new Gpt2LanguageModelTask(model);
        double before = task.Evaluate(Windows).Loss;
        new Trainer<int[]>(task, optimizer, Options).Fit(Windows);
        double after = task.Evaluate(Windows).Loss;

        Assert.True(after < before - 0.05, $"loss {before} -> {after}");
        Assert.Equal(baseBefore, model.Store.Values.ToArray());                  // the base never moves
        Assert.All(optimizer.State, s => Assert.Equal(lora.Store.ElementCount, s.Value.Length));   // moments for adapters only
        Assert.All(lora.Adapters, a => Assert.Contains(a.B.Value.ToArray(), v => v != 0));
    }

    [Fact]
    public void CheckpointsHoldAdaptersAndOptimizerStateAndResumeBitIdentically()
    {
        var (fullModel, fullLora, fullOptimizer) = Build(1);
        var fullRecorder = new LossRecorder(-1, null);
        var fullTrainer = new Trainer<int[]>(new Gpt2LanguageModelTask(fullModel), fullOptimizer, Options);
        fullTrainer.Callbacks.Add(fullRecorder);
        fullTrainer.Fit(Windows);

        using var cancel = new CancellationTokenSource();
        var (firstModel, _, firstOptimizer) = Build(1);
        var firstRecorder = new LossRecorder(5, cancel);
        var firstTrainer = new Trainer<int[]>(new Gpt2LanguageModelTask(firstModel), firstOptimizer, Options);
        firstTrainer.Callbacks.Add(firstRecorder);
        Assert.True(firstTrainer.Fit(Windows, cancellationToken: cancel.Token).Cancelled);
        string path = Path.Combine(_folder, "lora-run.safetensors");
        TrainingCheckpoint.Save(path, firstOptimizer, firstTrainer.State);

        using (var file = SafeTensorsFile.Open(path))
        {
            // 2 layers x 2 targets x (A, B), then AdamW's two moments: nothing of the frozen base.
            Assert.Equal(8 + 2, file.Tensors.Count);
            Assert.All(file.Tensors, t => Assert.True(t.Name.Contains(".lora_", StringComparison.Ordinal) || t.Name.StartsWith("optimizer/", StringComparison.Ordinal), t.Name));
            Assert.True(ulong.Parse(file.Metadata!["dropout.h.0.attn.c_attn.lora_dropout"], System.Globalization.CultureInfo.InvariantCulture) > 0);
        }

        // A new process rebuilds the same configuration; whatever the adapters hold then, the checkpoint overwrites it.
        var (resumedModel, resumedLora, resumedOptimizer) = Build(1);
        Randomize(resumedLora, 99);
        var state = TrainingCheckpoint.Load(path, resumedOptimizer);
        var resumedRecorder = new LossRecorder(-1, null);
        var resumedTrainer = new Trainer<int[]>(new Gpt2LanguageModelTask(resumedModel), resumedOptimizer, Options);
        resumedTrainer.Callbacks.Add(resumedRecorder);
        resumedTrainer.Fit(Windows, resume: state);

        Assert.Equal(fullRecorder.Losses, firstRecorder.Losses.Concat(resumedRecorder.Losses));
        Assert.Equal(fullLora.Store.Values.ToArray(), resumedLora.Store.Values.ToArray());
    }
}
