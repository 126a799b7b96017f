using ParameterKit.Modules;
using ParameterKit.Parameters;

namespace ParameterKit.Tests.Modules;

/// <summary>
/// Central finite differences against a layer's backward pass. The scalar under test is L = Σ y ⊙ r for a
/// random projection r, accumulated in double, so dL/dy = r is what Backward receives. Each checked coordinate
/// is moved by ±h (h = 1e-2) in float32 and L re-evaluated; truncation error is O(h²) and float rounding of the
/// forward pass about 1e-7·|L|/h, so the tolerance is 3e-3·(1 + |analytic|).
/// </summary>
internal static class GradientCheck
{
    private const float H = 1e-2f;
    private const double Tolerance = 3e-3;

    public static void Layer(Layer layer, ParameterStore store, int rows, int width, int seed, Func<float, float>? shapeInput = null)
    {
        var random = new Random(seed);
        foreach (var p in store.Parameters)
        {
            // Non-trivial parameters (biases not all zero, gains not all one) exercise every term of the gradient.
            var values = p.Value;
            for (int i = 0; i < values.Length; i++)
            {
                values[i] += (float)(random.NextDouble() - 0.5) * 0.4f;
            }
        }
        int outWidth = layer.OutputWidth(width);
        var x = DoubleReference.RandomValues(rows * width, seed + 1);
        if (shapeInput is not null)
        {
            x = x.Select(shapeInput).ToArray();
        }
        var r = DoubleReference.RandomValues(rows * outWidth, seed + 2);
        var y = new float[rows * outWidth];

        double Loss()
        {
            layer.Forward(x, y, width);
            double sum = 0;
            for (int i = 0; i < y.Length; i++)
            {
                sum += (double)y[i] * r[i];
            }
            return sum;
        }

        store.ZeroGradients();
        Loss();
        var dx = new float[x.Length];
        layer.Backward(x, r, dx, width);

        for (int k = 0; k < Math.Min(x.Length, 16); k++)
        {
            int i = random.Next(x.Length);
            Compare($"{layer.Path} input[{i}]", dx[i], Numeric(x, i, Loss));
        }
        foreach (var p in store.Parameters)
        {
            var gradient = p.Gradient.ToArray();
            for (int k = 0; k < Math.Min(gradient.Length, 8); k++)
            {
                int i = random.Next(gradient.Length);
                Compare($"{p.Name}[{i}]", gradient[i], Numeric(p.Store.Values, (int)IndexInStore(p, i), Loss));
            }
        }
    }

    private static long IndexInStore(Parameter p, int i)
    {
        // The parameter is a view into the store's buffer; find its start by reference arithmetic on spans.
        ref float start = ref p.Store.Values[0];
        ref float element = ref p.Value[i];
        return System.Runtime.CompilerServices.Unsafe.ByteOffset(ref start, ref element) / sizeof(float);
    }

    private static double Numeric(Span<float> values, int i, Func<double> loss)
    {
        float saved = values[i];
        values[i] = saved + H;
        double plus = loss();
        values[i] = saved - H;
        double minus = loss();
        values[i] = saved;
        return (plus - minus) / (2 * (double)H);
    }

    public static void Compare(string what, double analytic, double numeric)
    {
        double error = Math.Abs(analytic - numeric);
        Assert.True(error <= Tolerance * (1 + Math.Abs(analytic)), $"{what}: backward gave {analytic}, finite differences {numeric} (error {error})");
    }
}
