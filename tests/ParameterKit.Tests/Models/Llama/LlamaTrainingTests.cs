using ParameterKit.Models.Gpt2;
using ParameterKit.Models.Llama;
using ParameterKit.Tests.Modules;
using ParameterKit.Training;

namespace ParameterKit.Tests.Models.Llama;

/// <summary>
/// The Llama backward pass against central finite differences (<see cref="GradientCheck"/>: L = Σ y ⊙ r for a random r,
/// h = 1e-2, tolerance 3e-3·(1 + |analytic|)), on tiny models covering grouped queries, Qwen2's biases with a tied head,
/// an explicit head_dim with every bias and llama3 rotary scaling; and fine-tuning through the Trainer.
/// </summary>
public sealed class LlamaTrainingTests
{
    public static TheoryData<string> Variants => ["gqa", "qwen2_tied", "head_dim_biases_llama3"];

    private static LlamaConfig Variant(string name) => name switch
    {
        "gqa" => new LlamaConfig(13, 12, 20, 2, 6, 2) { ContextLength = 16, RopeTheta = 100 },
        "qwen2_tied" => new LlamaConfig(13, 12, 20, 2, 3, 1, TieEmbeddings: true) { ModelType = "qwen2", ContextLength = 16, RopeTheta = 100 },
        _ => new LlamaConfig(13, 12, 20, 2, 4, 1, AttentionBias: true, HeadDim: 6)
        {
            MlpBias = true, ContextLength = 16, RopeTheta = 100, RopeScaling = new LlamaRopeScaling(LlamaRopeScalingKind.Llama3, 4, 1, 4, 8),
        },
    };

    [Theory]
    [MemberData(nameof(Variants))]
    public void Model_backward_matches_finite_differences(string name)
    {
        LlamaModel model = LlamaModel.Create(Variant(name), seed: 5);
        // Embedding rows of unit scale, as trained models feed RMSNorm: N(0, 0.02) rows are so short that a ±1e-2 step
        // moves their norm by percents, and central differences then err by ~1% from curvature alone (measured: at
        // h = 1e-3 they agree with the backward pass to 1e-4).
        System.Numerics.Tensors.TensorPrimitives.Multiply(model.TokenEmbedding.Table.Value, 50f, model.TokenEmbedding.Table.Value);
        int[] ids = [3, 1, 12, 0, 5, 5, 7, 2, 9, 11];
        const int batch = 2, tokens = 5;
        // The logits are a function of the ids only; the "input" checked here is empty.
        GradientCheck.Run(model.Store, 0, batch * tokens * 13, seed: 31,
            (_, y) => model.Forward(ids, batch, tokens, y),
            (_, dy, _) => model.Backward(dy), inputSamples: 0,
            moreSamples: ["model.embed_tokens.weight", "model.layers.0.self_attn.k_proj.weight", "model.layers.1.self_attn.q_proj.weight"]);
    }

    [Fact]
    public void Backward_before_forward_is_refused()
    {
        LlamaModel model = LlamaModel.Create(Variant("gqa"), seed: 1);
        Assert.Throws<InvalidOperationException>(() => model.Backward(new float[13]));
    }

    [Fact]
    public void Fine_tuning_through_the_trainer_lowers_the_loss_and_the_cache_still_agrees()
    {
        const string Text = "the quick brown fox jumps over the lazy dog. the dog sleeps; the fox runs. ";
        char[] alphabet = [.. Text.Distinct().Order()];
        int[] tokens = [.. string.Concat(Enumerable.Repeat(Text, 4)).Select(ch => Array.IndexOf(alphabet, ch))];
        LlamaModel model = LlamaModel.Create(new LlamaConfig(alphabet.Length, 32, 48, 2, 4, 2) { ContextLength = 32 }, seed: 1);
        List<int[]> windows = Gpt2LanguageModelTask.Windows(tokens, length: 25, stride: 3);
        var task = new LlamaLanguageModelTask(model);
        double initial = task.Evaluate(windows).Loss;
        new Trainer<int[]>(task, new AdamW(model.Store, learningRate: 3e-3, weightDecay: 0),
            new TrainerOptions { Epochs = 12, BatchSize = 8, Seed = 2, ClipGradientNorm = 1f }).Fit(windows);
        double final = task.Evaluate(windows).Loss;
        Assert.True(final < 0.35 * initial, $"loss {initial:F3} -> {final:F3}");

        // The trained weights serve generation: the cached last-token logits equal the training forward's.
        int[] prompt = windows[0][..24];
        var all = new float[24 * alphabet.Length];
        model.Forward(prompt, 1, 24, all);
        var next = new float[alphabet.Length];
        model.ForwardCached(prompt, model.CreateCache(), next);
        for (int i = 0; i < next.Length; i++)
        {
            Assert.True(MathF.Abs(all[23 * alphabet.Length + i] - next[i]) <= 1e-4f, $"logit {i}: {all[23 * alphabet.Length + i]} vs {next[i]}");
        }
    }
}
