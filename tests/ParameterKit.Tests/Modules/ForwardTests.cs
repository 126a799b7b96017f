using FsCheck;
using FsCheck.Xunit;
using ParameterKit.Kernels.Numerics;
using ParameterKit.Modules;
using ParameterKit.Parameters;
using ParameterKit.Tensors;

namespace ParameterKit.Tests.Modules;

/// <summary>
/// Every forward pass against <see cref="DoubleReference"/> over random shapes (widths that are and are not
/// multiples of the SIMD width, batches of B rows or B·T rows, and zero rows). Tolerances: float32 sums of
/// K products carry a relative error around K·2⁻²⁴; 1e-5·(1 + |y|) covers K ≤ 64 with a wide margin.
/// </summary>
public sealed class ForwardTests
{
    private static int Dim(PositiveInt value, int max) => 1 + value.Get % max;

    [Property(MaxTest = 50)]
    public void LinearMatchesReference(PositiveInt rowsSeed, PositiveInt cSeed, PositiveInt ocSeed, bool bias, int seed)
    {
        int rows = rowsSeed.Get % 7, c = Dim(cSeed, 64), oc = Dim(ocSeed, 40);
        var store = new ParameterStore();
        var linear = new Linear(store.Scope("fc"), c, oc, bias);
        store.Materialize((ulong)seed);
        if (bias)
        {
            DoubleReference.RandomValues(oc, seed).CopyTo(linear.Bias!.Value);
        }
        var x = DoubleReference.RandomValues(rows * c, seed + 1);
        var y = new float[rows * oc];
        linear.Forward(x, y, c);
        var expected = DoubleReference.Linear(x, rows, linear.Weight.Value.ToArray(), linear.Bias?.Value.ToArray(), c, oc);
        DoubleReference.AssertClose(expected, y, 1e-5);
    }

    [Property(MaxTest = 50)]
    public void LayerNormMatchesReference(PositiveInt rowsSeed, PositiveInt cSeed, int seed)
    {
        int rows = rowsSeed.Get % 6, c = Dim(cSeed, 70);
        var store = new ParameterStore();
        var norm = new LayerNorm(store.Scope("ln"), c);
        store.Materialize(seed: 1);
        DoubleReference.RandomValues(c, seed, 2f).CopyTo(norm.Gain.Value);
        DoubleReference.RandomValues(c, seed + 1).CopyTo(norm.Bias.Value);
        // A large shared offset checks the two-pass variance (one pass would cancel catastrophically).
        var x = DoubleReference.RandomValues(rows * c, seed + 2, 3f).Select(v => v + 100f).ToArray();
        var y = new float[x.Length];
        norm.Forward(x, y, c);
        DoubleReference.AssertClose(DoubleReference.LayerNorm(x, rows, norm.Gain.Value.ToArray(), norm.Bias.Value.ToArray(), 1e-5), y, 2e-4);
    }

    [Property(MaxTest = 50)]
    public void RmsNormMatchesReference(PositiveInt rowsSeed, PositiveInt cSeed, int seed)
    {
        int rows = rowsSeed.Get % 6, c = Dim(cSeed, 70);
        var store = new ParameterStore();
        var norm = new RmsNorm(store.Scope("norm"), c);
        store.Materialize(seed: 1);
        DoubleReference.RandomValues(c, seed, 2f).CopyTo(norm.Gain.Value);
        var x = DoubleReference.RandomValues(rows * c, seed + 2, 3f);
        var y = new float[x.Length];
        norm.Forward(x, y, c);
        DoubleReference.AssertClose(DoubleReference.RmsNorm(x, rows, norm.Gain.Value.ToArray(), 1e-5), y, 1e-5);
    }

    [Property(MaxTest = 50)]
    public void ActivationsMatchReference(PositiveInt countSeed, int seed)
    {
        int n = Dim(countSeed, 100);
        var x = DoubleReference.RandomValues(n, seed, 6f);
        var store = new ParameterStore();
        var y = new float[n];

        new Gelu(store.Scope("gelu")).Forward(x, y, n);
        DoubleReference.AssertClose(x.Select(v => DoubleReference.Gelu(v)).ToArray(), y, 1e-6);

        var inPlace = (float[])x.Clone();
        GeluTanh.Forward(inPlace, inPlace);
        DoubleReference.AssertClose(x.Select(v => DoubleReference.Gelu(v)).ToArray(), inPlace, 1e-6);

        new Relu(store.Scope("relu")).Forward(x, y, n);
        DoubleReference.AssertClose(x.Select(v => Math.Max(v, 0.0)).ToArray(), y, 0);

        new Tanh(store.Scope("tanh")).Forward(x, y, n);
        DoubleReference.AssertClose(x.Select(v => Math.Tanh(v)).ToArray(), y, 1e-6);
    }

    [Fact]
    public void ActivationsStayFiniteAtExtremes()
    {
        float[] x = [-1000f, -50f, -0f, 0f, 50f, 1000f, float.MaxValue, -float.MaxValue];
        var store = new ParameterStore();
        var y = new float[x.Length];
        var dy = Enumerable.Repeat(1f, x.Length).ToArray();
        var dx = new float[x.Length];
        var gelu = new Gelu(store.Scope("gelu"));
        var tanh = new Tanh(store.Scope("tanh"));
        store.Materialize(seed: 0);

        gelu.Forward(x, y, x.Length);
        Assert.Equal([0f, 0f, 0f, 0f, 50f, 1000f, float.MaxValue, 0f], y.Select(v => v + 0f)); // + 0f folds -0 into 0
        gelu.Backward(x, dy, dx, x.Length);
        Assert.Equal([0f, 0f, 0.5f, 0.5f, 1f, 1f], dx.Take(6).Select(v => MathF.Round(v, 6) + 0f));

        tanh.Forward(x, y, x.Length);
        Assert.Equal([-1f, -1f, 0f, 0f, 1f, 1f, 1f, -1f], y.Select(v => v + 0f));
        tanh.Backward(x, dy, dx, x.Length);
        Assert.Equal([0f, 0f, 1f, 1f, 0f, 0f, 0f, 0f], dx.Select(v => v + 0f));
    }

    [Fact]
    public void EmbeddingLooksUpRowsAndRejectsOutOfRangeIds()
    {
        var store = new ParameterStore();
        var wte = new EmbeddingLayer(store.Scope("wte"), 5, 3);
        store.Materialize(seed: 9);
        int[] ids = [4, 0, 4, 2]; // B = 2, T = 2
        var y = new float[ids.Length * 3];
        wte.Forward(ids, y);
        for (int i = 0; i < ids.Length; i++)
        {
            Assert.Equal(wte.Table.Row(ids[i]).ToArray(), y.AsSpan(i * 3, 3).ToArray());
        }
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => wte.Forward([5], new float[3]));
        Assert.Contains("wte.weight", ex.Message, StringComparison.Ordinal);
        Assert.Throws<ShapeMismatchException>(() => wte.Forward([1, 2], new float[3]));
    }

    [Fact]
    public void DropoutIsIdentityInEvaluationAndSeededInTraining()
    {
        var store = new ParameterStore();
        var dropout = new Dropout(store.Scope("drop"), 0.25f, seed: 11);
        var x = Enumerable.Repeat(1f, 40_000).ToArray();
        var y = new float[x.Length];
        dropout.Forward(x, y, 100);
        int zeros = y.Count(v => v == 0);
        Assert.InRange(zeros, 9_700, 10_300);                       // 25% of 40,000 ± 3.5 standard deviations
        Assert.All(y.Where(v => v != 0), v => Assert.Equal(1f / 0.75f, v));

        var again = new Dropout(new ParameterStore().Scope("drop"), 0.25f, seed: 11);
        var y2 = new float[x.Length];
        again.Forward(x, y2, 100);
        Assert.Equal(y, y2);

        dropout.SetTraining(false);
        dropout.Forward(x, y, 100);
        Assert.Equal(x, y);
        Assert.Throws<ArgumentOutOfRangeException>(() => new Dropout(store.Scope("bad"), 1f, seed: 0));
    }

    [Fact]
    public void SequentialPerceptronMatchesComposedReference()
    {
        var store = new ParameterStore();
        var mlp = new MultilayerPerceptron(store.Scope("mlp"), [13, 37, 5], Activation.Gelu);
        store.Materialize(seed: 5);
        Assert.Equal(["mlp.0.weight", "mlp.0.bias", "mlp.2.weight", "mlp.2.bias"], store.Parameters.Select(p => p.Name));
        Assert.Equal(["Linear", "Gelu", "Linear"], mlp.Children.Select(m => m.GetType().Name));
        // Before the first forward there is nothing to show (this was an IndexOutOfRangeException).
        Assert.Contains("before its first Forward", Assert.Throws<InvalidOperationException>(() => mlp.ActivationOf(0)).Message, StringComparison.Ordinal);

        const int b = 2, t = 3; // B x T x C input, flattened
        var x = DoubleReference.RandomValues(b * t * 13, 77);
        var y = new float[b * t * 5];
        mlp.Forward(x, y, 13);

        var l0 = (Linear)mlp.Layers[0];
        var l2 = (Linear)mlp.Layers[2];
        var h = DoubleReference.Linear(x, b * t, l0.Weight.Value.ToArray(), l0.Bias!.Value.ToArray(), 13, 37)
            .Select(DoubleReference.Gelu).Select(v => (float)v).ToArray();
        var expected = DoubleReference.Linear(h, b * t, l2.Weight.Value.ToArray(), l2.Bias!.Value.ToArray(), 37, 5);
        DoubleReference.AssertClose(expected, y, 1e-5);
        Assert.Equal(b * t * 37, mlp.ActivationOf(1).Length);
        Assert.Throws<ArgumentOutOfRangeException>(() => mlp.ActivationOf(3));
        Assert.Throws<ArgumentOutOfRangeException>(() => mlp.ActivationOf(-1));
    }

    [Fact]
    public void MismatchedWidthsNameThePathAndBothShapes()
    {
        var store = new ParameterStore();
        var seq = new Sequential(store.Scope("net"), inputWidth: 8).Add(s => new Linear(s, 8, 16));
        var ex = Assert.Throws<ShapeMismatchException>(() => seq.Add(s => new Linear(s, 12, 4)));
        Assert.Equal("net.1", ex.Path);
        Assert.Contains("[4, 12]", ex.Message, StringComparison.Ordinal);
        Assert.Contains("[4, 16]", ex.Message, StringComparison.Ordinal);

        var linear = (Linear)seq.Layers[0];
        store.Materialize(seed: 1);
        var wrong = Assert.Throws<ShapeMismatchException>(() => linear.Forward(new float[10], new float[16], 10));
        Assert.Equal("net.0", wrong.Path);
        Assert.Contains("[16, 8]", wrong.Message, StringComparison.Ordinal);
        Assert.Contains("[16, 10]", wrong.Message, StringComparison.Ordinal);
        Assert.Throws<ShapeMismatchException>(() => linear.Forward(new float[12], new float[16], 8));
        Assert.Throws<ShapeMismatchException>(() => linear.Forward(new float[16], new float[15], 8));
    }

    [Fact]
    public void A_negative_input_width_names_the_argument_and_the_layer()
    {
        // Before the check, the mismatch message tried to build a shape from the width and failed on that instead,
        // naming neither the layer nor the argument ("Invalid shape [8, -1]").
        var store = new ParameterStore();
        var relu = new Relu(store.Scope("relu"));
        var linear = new Linear(store.Scope("fc"), 4, 3);
        var softmax = new Softmax(store.Scope("sm"));
        var norm = new LayerNorm(store.Scope("ln"), 4);
        store.Materialize(seed: 1);
        foreach ((Layer layer, string path) in new (Layer, string)[] { (relu, "relu"), (linear, "fc"), (softmax, "sm"), (norm, "ln") })
        {
            var error = Assert.Throws<ArgumentOutOfRangeException>(() => layer.Forward(new float[8], new float[8], -4));
            Assert.Equal("inputWidth", error.ParamName);
            Assert.Contains($"'{path}'", error.Message, StringComparison.Ordinal);
        }
        Assert.Throws<ArgumentOutOfRangeException>(() => linear.Forward(new float[8], new float[6], -4, accumulate: false, ParameterKit.Kernels.GemmActivation.Relu));
        Assert.Throws<ArgumentOutOfRangeException>(() => relu.Backward(new float[8], new float[8], new float[8], -1));
    }
}
