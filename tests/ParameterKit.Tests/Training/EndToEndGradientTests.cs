using System.Text.Json;
using ParameterKit.Modules;
using ParameterKit.Parameters;
using ParameterKit.Training.Losses;

namespace ParameterKit.Tests.Training;

/// <summary>
/// A small model built from ParameterKit's layers — pooled embeddings, Linear, LayerNorm, GELU, Linear, weighted
/// label-smoothed cross-entropy — against the gradients PyTorch 1.13 computed for the same numbers
/// (Fixtures/torch/end_to_end_gradients.json, from make_gradient_fixture.py). Tolerance 1e-5·(1 + |g|).
/// </summary>
public sealed class EndToEndGradientTests
{
    [Fact]
    public void GradientsMatchPyTorch()
    {
        var fixture = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", "torch", "end_to_end_gradients.json"))).RootElement;
        float[] Floats(JsonElement e) => e.EnumerateArray().Select(v => (float)v.GetDouble()).ToArray();

        var store = new ParameterStore();
        var emb = new EmbeddingLayer(store.Scope("emb"), 11, 6);
        var fc1 = new Linear(store.Scope("fc1"), 6, 8);
        var ln = new LayerNorm(store.Scope("ln"), 8);
        var gelu = new Gelu(store.Scope("gelu"));
        var fc2 = new Linear(store.Scope("fc2"), 8, 3);
        store.Materialize(seed: 0);
        foreach (var parameter in store.Parameters)
        {
            Floats(fixture.GetProperty("parameters").GetProperty(parameter.Name)).CopyTo(parameter.Value);
        }

        int[] ids = fixture.GetProperty("ids").EnumerateArray().SelectMany(row => row.EnumerateArray().Select(v => v.GetInt32())).ToArray();
        int[] targets = fixture.GetProperty("targets").EnumerateArray().Select(v => v.GetInt32()).ToArray();
        const int b = 5, t = 4;

        var pooled = new float[b * 6];
        var h1 = new float[b * 8];
        var h2 = new float[b * 8];
        var h3 = new float[b * 8];
        var logits = new float[b * 3];
        emb.ForwardPooled(ids, t, Pooling.Mean, pooled);
        fc1.Forward(pooled, h1, 6);
        ln.Forward(h1, h2, 8);
        gelu.Forward(h2, h3, 8);
        fc2.Forward(h3, logits, 8);
        var loss = new SoftmaxCrossEntropy(3, Floats(fixture.GetProperty("class_weights")), labelSmoothing: 0.1f);
        var dLogits = new float[logits.Length];
        float value = loss.Compute(logits, targets, dLogits);
        Assert.Equal(fixture.GetProperty("loss").GetDouble(), value, 5);

        var d3 = new float[h3.Length];
        var d2 = new float[h2.Length];
        var d1 = new float[h1.Length];
        var dPooled = new float[pooled.Length];
        fc2.Backward(h3, dLogits, d3, 8);
        gelu.Backward(h2, d3, d2, 8);
        ln.Backward(h1, d2, d1, 8);
        fc1.Backward(pooled, d1, dPooled, 6);
        emb.BackwardPooled(ids, t, Pooling.Mean, dPooled);

        foreach (var parameter in store.Parameters)
        {
            var expected = Floats(fixture.GetProperty("gradients").GetProperty(parameter.Name));
            var actual = parameter.Gradient.ToArray();
            for (int i = 0; i < expected.Length; i++)
            {
                Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-5 * (1 + Math.Abs(expected[i])), $"{parameter.Name}[{i}]: PyTorch {expected[i]}, ParameterKit {actual[i]}");
            }
        }
    }
}
