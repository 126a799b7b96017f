using ParameterKit.Models.Gpt2;
using ParameterKit.Counting.Architectures;
using ParameterKit.Parameters;
using ParameterKit.Tests.Modules;
using ParameterKit.Transformers;

namespace ParameterKit.Tests.Transformers;

/// <summary>
/// Finite differences against the backward passes of attention, the block and the whole model, with the same
/// scalar and tolerance as <see cref="GradientCheck"/>: L = Σ y ⊙ r for a random r, central differences with h = 1e-2.
/// </summary>
public sealed class TransformerGradientTests
{
    [Theory]
    [InlineData(1, 5, 12, 3)]
    [InlineData(2, 4, 10, 5)]
    public void AttentionBackwardMatchesFiniteDifferences(int batch, int tokens, int channels, int heads)
    {
        var store = new ParameterStore();
        var attention = new CausalSelfAttention(store.Scope("attn"), channels, heads);
        store.Materialize(seed: 3);
        var saved = new Gpt2BlockActivations(batch, tokens, channels, heads);
        // Forward accumulates into its output: start from zero each evaluation so y is the attention alone.
        GradientCheck.Run(store, batch * tokens * channels, batch * tokens * channels, seed: 10,
            (x, y) => { Array.Clear(y); attention.Forward(x, y, saved); },
            (x, dy, dx) => attention.Backward(x, dy, dx, saved), inputSamples: 24);
    }

    [Theory]
    [InlineData(2, 4, 12, 3)]
    [InlineData(1, 6, 10, 5)]
    public void BlockBackwardMatchesFiniteDifferences(int batch, int tokens, int channels, int heads)
    {
        var store = new ParameterStore();
        var block = new Gpt2Block(store.Scope("h").Scope(0), new Gpt2Config(11, 8, channels, 1, heads));
        store.Materialize(seed: 4);
        var saved = new Gpt2BlockActivations(batch, tokens, channels, heads);
        GradientCheck.Run(store, batch * tokens * channels, batch * tokens * channels, seed: 20,
            (x, y) => block.Forward(x, y, saved),
            (x, dy, dx) => block.Backward(x, dy, dx, saved), inputSamples: 24);
    }

    [Fact]
    public void ModelBackwardMatchesFiniteDifferencesIncludingTheTiedEmbedding()
    {
        var model = Gpt2Model.Create(new Gpt2Config(VocabSize: 13, Positions: 8, Channels: 12, Layers: 2, Heads: 3), seed: 5);
        int[] ids = [3, 1, 12, 0, 5, 5, 7, 2, 9, 11];
        const int batch = 2, tokens = 5;
        var store = model.Store;
        // The logits are a function of the ids only; the "input" checked here is empty.
        GradientCheck.Run(store, 0, batch * tokens * 13, seed: 30,
            (_, y) => model.Forward(ids, batch, tokens, y),
            (_, dy, _) => model.Backward(dy), inputSamples: 24,
            moreSamples: ["wte.weight", "wpe.weight"]);
    }
}
