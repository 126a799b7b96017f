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

    /// <summary>Checks a layer's backward pass: its input and up to eight entries of every parameter.</summary>
    public static void Layer(Layer layer, ParameterStore store, int rows, int width, int seed, Func<float, float>? shapeInput = null) =>
        Run(store, rows * width, rows * layer.OutputWidth(width), seed,
            (x, y) => layer.Forward(x, y, width),
            (x, dy, dx) => layer.Backward(x, dy, dx, width),
            inputSamples: 16, label: layer.Path + " ", shapeInput: shapeInput);

    /// <summary>
    /// Checks any forward/backward pair over <paramref name="store"/>: nudges the parameters off their initial values,
    /// then compares <paramref name="inputSamples"/> random input entries and up to eight entries of every parameter
    /// (<paramref name="moreSamples"/> for the parameters named there, 40 each) with central differences.
    /// </summary>
    public static void Run(ParameterStore store, int inputLength, int outputLength, int seed,
        Action<float[], float[]> forward, Action<float[], float[], float[]> backward, int inputSamples,
        string label = "", Func<float, float>? shapeInput = null, string[]? moreSamples = null)
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
        var x = DoubleReference.RandomValues(inputLength, seed + 1);
        if (shapeInput is not null)
        {
            x = x.Select(shapeInput).ToArray();
        }
        var r = DoubleReference.RandomValues(outputLength, seed + 2);
        var y = new float[outputLength];

        double Loss()
        {
            forward(x, y);
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
        backward(x, r, dx);

        for (int k = 0; k < Math.Min(x.Length, inputSamples); k++)
        {
            int i = random.Next(x.Length);
            Compare($"{label}input[{i}]", dx[i], Numeric(x, i, Loss));
        }
        foreach (var p in store.Parameters)
        {
            var gradient = p.Gradient.ToArray();
            int samples = moreSamples?.Contains(p.Name) == true ? 40 : 8;
            for (int k = 0; k < Math.Min(gradient.Length, samples); k++)
            {
                int i = random.Next(gradient.Length);
                // The parameter's value is a view into the store's buffer, so nudging it moves what Forward reads.
                Compare($"{p.Name}[{i}]", gradient[i], Numeric(p.Value, i, Loss));
            }
        }
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
