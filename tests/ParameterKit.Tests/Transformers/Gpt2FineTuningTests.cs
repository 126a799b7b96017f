using ParameterKit.Models.Gpt2;
using ParameterKit.Counting.Architectures;
using ParameterKit.Parameters;
using ParameterKit.Training;
using ParameterKit.Transformers;

namespace ParameterKit.Tests.Transformers;

/// <summary>Fine-tuning through the Trainer: a tiny GPT learns a short text, with and without frozen embeddings.</summary>
public sealed class Gpt2FineTuningTests
{
    private const string Text = "the quick brown fox jumps over the lazy dog. the dog sleeps; the fox runs. ";

    private static (Gpt2Model Model, List<int[]> Windows) Setup()
    {
        // Character-level tokens keep the vocabulary tiny: one id per distinct character.
        char[] alphabet = [.. Text.Distinct().Order()];
        int[] tokens = [.. string.Concat(Enumerable.Repeat(Text, 4)).Select(ch => Array.IndexOf(alphabet, ch))];
        var model = Gpt2Model.Create(new Gpt2Config(VocabSize: alphabet.Length, Positions: 32, Channels: 32, Layers: 2, Heads: 4), seed: 1);
        return (model, Gpt2LanguageModelTask.Windows(tokens, length: 25, stride: 3));
    }

    [Fact]
    public void LossFallsWellBelowItsStartingValue()
    {
        var (model, windows) = Setup();
        var task = new Gpt2LanguageModelTask(model);
        double initial = task.Evaluate(windows).Loss;
        var trainer = new Trainer<int[]>(task, new AdamW(model.Store, learningRate: 3e-3, weightDecay: 0),
            new TrainerOptions { Epochs = 12, BatchSize = 8, Seed = 2, ClipGradientNorm = 1f });
        trainer.Fit(windows);
        var final = task.Evaluate(windows);
        Assert.True(final.Loss < 0.35 * initial, $"loss {initial:F3} -> {final.Loss:F3}");
        Assert.True(final["perplexity"] < Math.Exp(0.35 * initial));
    }

    [Fact]
    public void A_null_window_is_an_argument_error_naming_it()
    {
        var (model, windows) = Setup();
        var task = new Gpt2LanguageModelTask(model);
        int[][] batch = [windows[0], null!];

        var e = Assert.Throws<ArgumentException>(() => task.TrainBatch(batch));

        Assert.Contains("Window 1 of the batch is null", e.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => task.Evaluate([null!]));
    }

    [Fact]
    public void FrozenEmbeddingsStayPutWhileTheRestLearns()
    {
        var (model, windows) = Setup();
        // Frozen embeddings stand in for pretrained ones: at GPT-2's N(0, 0.02) initialization the tied head could only
        // produce near-uniform logits, so give them the spread trained embeddings have.
        System.Numerics.Tensors.TensorPrimitives.Multiply(model.TokenEmbedding.Table.Value, 25f, model.TokenEmbedding.Table.Value);
        int frozen = model.Store.Freeze(ParameterKind.Embedding);
        Assert.Equal(2, frozen);
        float[] wte = model.TokenEmbedding.Table.Value.ToArray();
        float[] wpe = model.PositionEmbedding.Table.Value.ToArray();
        float[] attention = model.Blocks[0].Attention.QueryKeyValue.Weight.Value.ToArray();
        var task = new Gpt2LanguageModelTask(model);
        double initial = task.Evaluate(windows).Loss;
        new Trainer<int[]>(task, new AdamW(model.Store, learningRate: 3e-3, weightDecay: 0.01),
            new TrainerOptions { Epochs = 12, BatchSize = 8, Seed = 2, ClipGradientNorm = 1f }).Fit(windows);
        Assert.Equal(wte, model.TokenEmbedding.Table.Value.ToArray());
        Assert.Equal(wpe, model.PositionEmbedding.Table.Value.ToArray());
        Assert.NotEqual(attention, model.Blocks[0].Attention.QueryKeyValue.Weight.Value.ToArray());
        double final = task.Evaluate(windows).Loss;
        Assert.True(final < 0.6 * initial, $"loss {initial:F3} -> {final:F3}");
    }

    [Fact]
    public void TrainingStepsAllocateNothingOnceTheLargestBatchHasBeenSeen()
    {
        var (model, windows) = Setup();
        var task = new Gpt2LanguageModelTask(model);
        int[][] full = [.. windows.Take(8)], partial = [.. windows.Skip(8).Take(3)];
        // The last batch of an epoch is smaller: the buffers of the full batch serve it without reallocating.
        task.TrainBatch(full);
        task.TrainBatch(partial);
        // A collection first, as one from another test may land mid-run: caches the runtime holds weakly (a type's name)
        // are gone after it, so a step that asks for one allocates again (one did, 208 bytes, in about one run in five).
        GC.Collect();
        GC.WaitForPendingFinalizers();
        long before = GC.GetAllocatedBytesForCurrentThread();
        task.TrainBatch(full);
        task.TrainBatch(partial);
        task.TrainBatch(full);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void AFineTunedModelSavesInTheHubLayoutAndLoadsBack()
    {
        var (model, windows) = Setup();
        new Trainer<int[]>(new Gpt2LanguageModelTask(model), new AdamW(model.Store, learningRate: 3e-3),
            new TrainerOptions { Epochs = 1, BatchSize = 8 }).Fit(windows);
        string folder = Directory.CreateTempSubdirectory("gpt2-finetuned").FullName;
        try
        {
            model.Save(Path.Combine(folder, "model.safetensors"));
            var c = model.Config;
            File.WriteAllText(Path.Combine(folder, "config.json"),
                $$"""{"n_layer": {{c.Layers}}, "n_head": {{c.Heads}}, "n_embd": {{c.Channels}}, "vocab_size": {{c.VocabSize}}, "n_positions": {{c.Positions}}}""");
            var loaded = Gpt2Model.Load(folder);
            Assert.Equal(model.Store.Values.ToArray(), loaded.Store.Values.ToArray());
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
