namespace ParameterKit.Tests.Modules;

/// <summary>Textbook forward passes in double precision: what the float32 layers must agree with.</summary>
internal static class DoubleReference
{
    public static double[] Linear(float[] x, int rows, float[] w, float[]? b, int c, int oc)
    {
        var y = new double[rows * oc];
        for (int r = 0; r < rows; r++)
        {
            for (int o = 0; o < oc; o++)
            {
                double sum = b is null ? 0 : b[o];
                for (int i = 0; i < c; i++)
                {
                    sum += (double)x[r * c + i] * w[o * c + i];
                }
                y[r * oc + o] = sum;
            }
        }
        return y;
    }

    public static double[] LayerNorm(float[] x, int rows, float[] gain, float[] bias, double eps)
    {
        int c = gain.Length;
        var y = new double[x.Length];
        for (int r = 0; r < rows; r++)
        {
            double mean = 0, variance = 0;
            for (int i = 0; i < c; i++)
            {
                mean += x[r * c + i];
            }
            mean /= c;
            for (int i = 0; i < c; i++)
            {
                variance += (x[r * c + i] - mean) * (x[r * c + i] - mean);
            }
            variance /= c;
            for (int i = 0; i < c; i++)
            {
                y[r * c + i] = (x[r * c + i] - mean) / Math.Sqrt(variance + eps) * gain[i] + bias[i];
            }
        }
        return y;
    }

    public static double[] RmsNorm(float[] x, int rows, float[] gain, double eps)
    {
        int c = gain.Length;
        var y = new double[x.Length];
        for (int r = 0; r < rows; r++)
        {
            double meanSquare = 0;
            for (int i = 0; i < c; i++)
            {
                meanSquare += (double)x[r * c + i] * x[r * c + i];
            }
            double rms = Math.Sqrt(meanSquare / c + eps);
            for (int i = 0; i < c; i++)
            {
                y[r * c + i] = x[r * c + i] / rms * gain[i];
            }
        }
        return y;
    }

    public static double Gelu(double x) => 0.5 * x * (1 + Math.Tanh(Math.Sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x)));

    public static float[] RandomValues(int count, int seed, float scale = 1f)
    {
        var random = new Random(seed);
        var values = new float[count];
        for (int i = 0; i < count; i++)
        {
            values[i] = (float)(random.NextDouble() * 2 - 1) * scale;
        }
        return values;
    }

    /// <summary>|actual - expected| ≤ tolerance · (1 + |expected|) for every element.</summary>
    public static void AssertClose(double[] expected, ReadOnlySpan<float> actual, double tolerance)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            double error = Math.Abs(actual[i] - expected[i]);
            Assert.True(error <= tolerance * (1 + Math.Abs(expected[i])), $"element {i}: expected {expected[i]}, got {actual[i]} (error {error})");
        }
    }
}
