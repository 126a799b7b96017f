using FsCheck;
using FsCheck.Xunit;
using ParameterKit.Modules;
using ParameterKit.Parameters;
using ParameterKit.Tensors;

namespace ParameterKit.Tests.Modules;

/// <summary>Every built-in layer's backward pass against central finite differences (see <see cref="GradientCheck"/>).</summary>
public sealed class BackwardTests
{
    private static int Dim(PositiveInt value, int max) => 1 + value.Get % max;

    [Property(MaxTest = 25)]
    public void LinearBackwardMatchesFiniteDifferences(PositiveInt rows, PositiveInt c, PositiveInt oc, bool bias, int seed)
    {
        var store = new ParameterStore();
        var layer = new Linear(store.Scope("fc"), Dim(c, 37), Dim(oc, 19), bias);
        store.Materialize((ulong)seed);
        GradientCheck.Layer(layer, store, Dim(rows, 5), layer.InChannels, seed);
    }

    [Property(MaxTest = 25)]
    public void LayerNormBackwardMatchesFiniteDifferences(PositiveInt rows, PositiveInt c, int seed)
    {
        var store = new ParameterStore();
        var layer = new LayerNorm(store.Scope("ln"), 1 + Dim(c, 33));
        store.Materialize((ulong)seed);
        GradientCheck.Layer(layer, store, Dim(rows, 4), layer.Channels, seed);
    }

    [Property(MaxTest = 25)]
    public void RmsNormBackwardMatchesFiniteDifferences(PositiveInt rows, PositiveInt c, int seed)
    {
        var store = new ParameterStore();
        var layer = new RmsNorm(store.Scope("norm"), Dim(c, 33));
        store.Materialize((ulong)seed);
        GradientCheck.Layer(layer, store, Dim(rows, 4), layer.Channels, seed);
    }

    [Property(MaxTest = 25)]
    public void ActivationBackwardsMatchFiniteDifferences(PositiveInt rows, PositiveInt c, int seed)
    {
        int width = Dim(c, 40), n = Dim(rows, 4);
        var store = new ParameterStore();
        var gelu = new Gelu(store.Scope("gelu"));
        var tanh = new Tanh(store.Scope("tanh"));
        var relu = new Relu(store.Scope("relu"));
        var softmax = new Softmax(store.Scope("softmax"));
        store.Materialize(seed: 0); // nothing to allocate: activations have no parameters
        GradientCheck.Layer(gelu, store, n, width, seed, v => 3 * v);
        GradientCheck.Layer(tanh, store, n, width, seed, v => 2 * v);
        // Keep ReLU's inputs away from its kink, where a finite difference straddles both slopes.
        GradientCheck.Layer(relu, store, n, width, seed, v => v + MathF.CopySign(0.05f, v));
        GradientCheck.Layer(softmax, store, n, width, seed, v => 2 * v);
    }

    [Property(MaxTest = 20)]
    public void ComposedLayersBackwardMatchFiniteDifferences(PositiveInt rows, PositiveInt hidden, int seed)
    {
        var store = new ParameterStore();
        int h = 3 + Dim(hidden, 24); // LayerNorm over one or two channels is degenerate (its output barely depends on x)
        var model = new Sequential(store.Scope("net"), inputWidth: 7)
            .Add(s => new Linear(s, 7, h))
            .Add(s => new LayerNorm(s, h))
            .Add(s => new Gelu(s))
            .Add(s => new Residual(s, h, inner => new Sequential(inner, h).Add(t => new Linear(t, h, h)).Add(t => new Tanh(t))))
            .Add(s => new Linear(s, h, 3));
        store.Materialize((ulong)seed);
        GradientCheck.Layer(model, store, Dim(rows, 4), 7, seed);
    }

    [Fact]
    public void BackwardAccumulatesUntilGradientsAreZeroed()
    {
        var store = new ParameterStore();
        var layer = new Linear(store.Scope("fc"), 4, 3);
        store.Materialize(seed: 3);
        var x = DoubleReference.RandomValues(8, 1);
        var dy = DoubleReference.RandomValues(6, 2);
        layer.Forward(x, new float[6], 4);
        layer.Backward(x, dy, default, 4);
        var once = layer.Weight.Gradient.ToArray();
        layer.Backward(x, dy, default, 4);
        Assert.Equal(once.Select(v => 2 * v), layer.Weight.Gradient.ToArray());
        store.ZeroGradients();
        Assert.All(store.Gradients.ToArray(), v => Assert.Equal(0f, v));
    }

    [Fact]
    public void FrozenParametersReceiveNoGradient()
    {
        var store = new ParameterStore();
        var layer = new Linear(store.Scope("fc"), 4, 3);
        store.Freeze("fc.weight");
        store.Materialize(seed: 3);
        var x = DoubleReference.RandomValues(8, 1);
        layer.Forward(x, new float[6], 4);
        layer.Backward(x, DoubleReference.RandomValues(6, 2), new float[8], 4);
        Assert.All(layer.Weight.Gradient.ToArray(), v => Assert.Equal(0f, v));
        Assert.Contains(layer.Bias!.Gradient.ToArray(), v => v != 0f);
    }

    [Fact]
    public void DropoutBackwardUsesTheForwardMask()
    {
        var store = new ParameterStore();
        var dropout = new Dropout(store.Scope("drop"), 0.5f, seed: 21);
        var x = DoubleReference.RandomValues(500, 4).Select(v => v + 2f).ToArray(); // never zero
        var y = new float[500];
        dropout.Forward(x, y, 50);
        var dy = Enumerable.Repeat(1f, 500).ToArray();
        var dx = new float[500];
        dropout.Backward(x, dy, dx, 50);
        for (int i = 0; i < x.Length; i++)
        {
            Assert.Equal(y[i] == 0 ? 0f : 2f, dx[i]);
        }
    }

    [Property(MaxTest = 20)]
    public void PooledEmbeddingBackwardMatchesFiniteDifferences(PositiveInt batch, PositiveInt tokens, bool mean, int seed)
    {
        int b = Dim(batch, 4), t = Dim(tokens, 6), c = 5, v = 9;
        var store = new ParameterStore();
        var layer = new EmbeddingLayer(store.Scope("wte"), v, c);
        store.Materialize((ulong)seed);
        var random = new Random(seed);
        var ids = Enumerable.Range(0, b * t).Select(_ => random.Next(-2, v)).ToArray(); // negatives are padding
        var pooling = mean ? Pooling.Mean : Pooling.Sum;
        var r = DoubleReference.RandomValues(b * c, seed + 1);
        var y = new float[b * c];
        double Loss()
        {
            layer.ForwardPooled(ids, t, pooling, y);
            return y.Select((value, i) => (double)value * r[i]).Sum();
        }
        layer.BackwardPooled(ids, t, pooling, r);
        CompareTableGradient(layer, Loss);
    }

    [Property(MaxTest = 20)]
    public void WeightedEmbeddingBagMatchesReferenceAndFiniteDifferences(PositiveInt batch, PositiveInt tokens, int seed)
    {
        int b = Dim(batch, 4), t = Dim(tokens, 19), c = 5, v = 9; // T up to 19: rows that are not a vector width
        var store = new ParameterStore();
        var layer = new EmbeddingLayer(store.Scope("wte"), v, c);
        store.Materialize((ulong)seed);
        var random = new Random(seed);
        var ids = Enumerable.Range(0, b * t).Select(_ => random.Next(-2, v)).ToArray(); // negatives are padding
        var weights = DoubleReference.RandomValues(b * t, seed + 2);
        var y = new float[b * c];
        layer.ForwardWeighted(ids, weights, t, y);
        var table = layer.Table.Value.ToArray();
        for (int row = 0; row < b; row++)
        {
            for (int j = 0; j < c; j++)
            {
                double expected = 0;
                for (int k = row * t; k < (row + 1) * t; k++)
                {
                    expected += ids[k] < 0 ? 0 : (double)weights[k] * table[ids[k] * c + j];
                }
                Assert.Equal(expected, y[row * c + j], 1e-5); // float sums of at most 19 products of |x| < 1
            }
        }
        var r = DoubleReference.RandomValues(b * c, seed + 1);
        double Loss()
        {
            layer.ForwardWeighted(ids, weights, t, y);
            return y.Select((value, i) => (double)value * r[i]).Sum();
        }
        layer.BackwardWeighted(ids, weights, t, r);
        CompareTableGradient(layer, Loss);
    }

    [Fact]
    public void WeightedEmbeddingBagNeedsOneWeightPerId()
    {
        var store = new ParameterStore();
        var layer = new EmbeddingLayer(store.Scope("wte"), 9, 4);
        store.Materialize(seed: 1);
        var error = Assert.Throws<ShapeMismatchException>(() => layer.ForwardWeighted([1, 2, 3, 4], [1f, 1f, 1f], 2, new float[8]));
        Assert.Contains("one weight per id", error.Message);
    }

    [Fact]
    public void An_out_of_range_id_in_a_backward_pass_is_refused_before_any_gradient_changes()
    {
        var store = new ParameterStore();
        var layer = new EmbeddingLayer(store.Scope("wte"), 10, 4);
        store.Materialize(seed: 1);
        var dy = Enumerable.Repeat(1f, 8).ToArray();
        // Id 3 comes first: before the check, its row was accumulated and then an IndexOutOfRangeException escaped.
        var plain = Assert.Throws<ArgumentOutOfRangeException>(() => layer.Backward([3, 10], dy));
        Assert.Contains("Id 10 at position 1 is outside 'wte.weight' with 10 rows", plain.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => layer.Backward([3, -1], dy));
        Assert.Contains("in row 1", Assert.Throws<ArgumentOutOfRangeException>(() => layer.BackwardPooled([3, 2, -1, 10], 2, Pooling.Mean, dy)).Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => layer.BackwardWeighted([3, 2, -1, 10], [1f, 1f, 1f, 1f], 2, dy));
        Assert.All(layer.Table.Gradient.ToArray(), g => Assert.Equal(0f, g));
    }

    /// <summary>Central differences (step 1e-2) of <paramref name="loss"/> against every entry of the table's gradient.</summary>
    private static void CompareTableGradient(EmbeddingLayer layer, Func<double> loss)
    {
        var gradient = layer.Table.Gradient.ToArray();
        for (int i = 0; i < gradient.Length; i++)
        {
            var values = layer.Table.Value;
            float saved = values[i];
            values[i] = saved + 1e-2f;
            double plus = loss();
            values[i] = saved - 1e-2f;
            double minus = loss();
            values[i] = saved;
            GradientCheck.Compare($"wte.weight[{i}]", gradient[i], (plus - minus) / 2e-2);
        }
    }

    [Fact]
    public void ZeroingClearsTouchedEmbeddingRowsAndAnythingWrittenDirectly()
    {
        var store = new ParameterStore();
        var layer = new EmbeddingLayer(store.Scope("wte"), 1000, 4);
        store.Materialize(seed: 1);
        store.ZeroGradients();
        int[] ids = [3, 999, -1, 3];
        layer.BackwardPooled(ids, 2, Pooling.Mean, DoubleReference.RandomValues(8, 5));
        Assert.Contains(layer.Table.GradientForSweep.ToArray(), v => v != 0);
        store.ZeroGradients();                                   // only rows 3 and 999 are visited
        Assert.All(layer.Table.GradientForSweep.ToArray(), v => Assert.Equal(0f, v));

        layer.Table.Gradient[4 * 500] = 7f;                      // written directly: the next clear must sweep everything
        store.ZeroGradients();
        Assert.All(layer.Table.GradientForSweep.ToArray(), v => Assert.Equal(0f, v));

        layer.Backward([10, 20], DoubleReference.RandomValues(8, 6));
        store.Gradients[4 * 700 + 1] = 3f;                       // so must a write through the store's whole buffer
        store.ZeroGradients();
        Assert.All(store.Gradients.ToArray(), v => Assert.Equal(0f, v));
    }
}
