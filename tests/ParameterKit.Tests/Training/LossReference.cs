namespace ParameterKit.Tests.Training;

/// <summary>
/// Textbook losses in double precision, written from the PyTorch documentation formulas rather than from the
/// fused float32 code: the value the float losses must agree with and the function finite differences probe.
/// </summary>
internal static class LossReference
{
    public static double CrossEntropy(double[] z, int[] targets, int c, double[]? w, double eps, int ignore)
    {
        double numerator = 0, denominator = 0;
        for (int i = 0; i < targets.Length; i++)
        {
            if (targets[i] == ignore)
            {
                continue;
            }
            double max = double.NegativeInfinity;
            for (int j = 0; j < c; j++)
            {
                max = Math.Max(max, z[i * c + j]);
            }
            double sum = 0;
            for (int j = 0; j < c; j++)
            {
                sum += Math.Exp(z[i * c + j] - max);
            }
            double lse = max + Math.Log(sum);
            int y = targets[i];
            double wy = w?[y] ?? 1;
            double smooth = 0;
            for (int j = 0; j < c; j++)
            {
                smooth += (w?[j] ?? 1) * (lse - z[i * c + j]);
            }
            numerator += (1 - eps) * wy * (lse - z[i * c + y]) + eps / c * smooth;
            denominator += wy;
        }
        return denominator == 0 ? 0 : numerator / denominator;
    }

    public static double BinaryCrossEntropyWithLogits(double[] x, double[] y, double[]? positiveWeights)
    {
        double sum = 0;
        for (int i = 0; i < x.Length; i++)
        {
            double q = positiveWeights?[i % positiveWeights.Length] ?? 1;
            double s = 1 / (1 + Math.Exp(-x[i]));
            // The textbook form: fine in double for the moderate logits the properties draw.
            sum += -(q * y[i] * Math.Log(s) + (1 - y[i]) * Math.Log(1 - s));
        }
        return x.Length == 0 ? 0 : sum / x.Length;
    }

    public static double MeanSquaredError(double[] x, double[] y) =>
        x.Length == 0 ? 0 : x.Zip(y, (a, b) => (a - b) * (a - b)).Sum() / x.Length;

    public static double Huber(double[] x, double[] y, double delta) =>
        x.Length == 0 ? 0 : x.Zip(y, (a, b) => Math.Abs(a - b) < delta ? 0.5 * (a - b) * (a - b) : delta * (Math.Abs(a - b) - 0.5 * delta)).Sum() / x.Length;

    /// <summary>Central differences (f(x + h) − f(x − h)) / 2h of <paramref name="f"/> in double, one coordinate at a time.</summary>
    public static double[] CentralDifferences(Func<double[], double> f, float[] at, double h)
    {
        var x = at.Select(v => (double)v).ToArray();
        var gradient = new double[x.Length];
        for (int k = 0; k < x.Length; k++)
        {
            double saved = x[k];
            x[k] = saved + h;
            double plus = f(x);
            x[k] = saved - h;
            double minus = f(x);
            x[k] = saved;
            gradient[k] = (plus - minus) / (2 * h);
        }
        return gradient;
    }
}
