using ParameterKit.Kernels;

namespace ParameterKit.Tests.Kernels;

/// <summary>
/// One GEMM problem for the tests: shape, transposes, padded leading dimensions, scalars, epilogue and the seed
/// of its data. <see cref="Check"/> runs it through the fast kernel and compares with a double-precision
/// reference under the error bound stated there.
/// </summary>
internal sealed record GemmCase(
    Transpose TransA, Transpose TransB, int M, int N, int K,
    int PadA, int PadB, int PadC, float Alpha, float Beta,
    bool WithBias, GemmActivation Activation, int Seed)
{
    public int Lda => Math.Max(1, TransA == Transpose.No ? K : M) + PadA;

    public int Ldb => Math.Max(1, TransB == Transpose.No ? N : K) + PadB;

    public int Ldc => Math.Max(1, N) + PadC;

    public override string ToString() =>
        $"{TransA}{TransB} m={M} n={N} k={K} pads=({PadA},{PadB},{PadC}) alpha={Alpha} beta={Beta} bias={WithBias} act={Activation} seed={Seed}";

    /// <summary>Random operands; C starts as NaN when beta is 0, since BLAS must then ignore it.</summary>
    public (float[] A, float[] B, float[] C, float[] Bias) Data()
    {
        var random = new Random(Seed);
        int aRows = TransA == Transpose.No ? M : K, bRows = TransB == Transpose.No ? K : N;
        float[] a = Fill(random, Math.Max(0, aRows * Lda - PadA));
        float[] b = Fill(random, Math.Max(0, bRows * Ldb - PadB));
        float[] c = Beta == 0 ? Enumerable.Repeat(float.NaN, Math.Max(0, M * Ldc - PadC)).ToArray() : Fill(random, Math.Max(0, M * Ldc - PadC));
        float[] bias = WithBias ? Fill(random, N) : [];
        return (a, b, c, bias);
    }

    private static float[] Fill(Random random, int length)
    {
        var values = new float[length];
        for (int i = 0; i < length; i++)
        {
            values[i] = (float)(random.NextDouble() * 2 - 1);
        }
        return values;
    }

    /// <summary>Runs the case on <paramref name="path"/> with <paramref name="threads"/> threads (no size threshold).</summary>
    public float[] Run(GemmPath path, int threads, float[] a, float[] b, float[] c, float[] bias)
    {
        float[] result = (float[])c.Clone();
        Gemm.Multiply(path, threads, 0, TransA, TransB, M, N, K, Alpha, a, Lda, b, Ldb, Beta, result, Ldc, bias, Activation);
        return result;
    }

    /// <summary>
    /// The expected C in double and, per element, the allowed error:
    /// <c>|c - ref| &lt;= (K + 2) * 2^-22 * (|alpha| * sum_p |a_ip * b_pj| + |beta * c_ij|)</c>. A float sum of K
    /// products is off by at most about K units of 2^-24 relative to the sum of magnitudes; the factor 4 leaves
    /// room for the final scaling. GELU adds its slope (at most 1.13) and 2^-18 relative for its exp.
    /// </summary>
    public (double[] Expected, double[] Bound) Oracle(float[] a, float[] b, float[] c, float[] bias)
    {
        var expected = new double[M * N];
        var bound = new double[M * N];
        for (int i = 0; i < M; i++)
        {
            for (int j = 0; j < N; j++)
            {
                double sum = 0, magnitude = 0;
                for (int p = 0; p < K; p++)
                {
                    double x = TransA == Transpose.No ? a[i * Lda + p] : a[p * Lda + i];
                    double y = TransB == Transpose.No ? b[p * Ldb + j] : b[j * Ldb + p];
                    sum += x * y;
                    magnitude += Math.Abs(x * y);
                }
                double previous = Beta == 0 ? 0 : (double)Beta * c[i * Ldc + j];
                double value = Alpha * sum + previous + (WithBias ? bias[j] : 0);
                double error = (K + 2) * Math.Pow(2, -22) * (Math.Abs(Alpha) * magnitude + Math.Abs(previous)) + 1e-30;
                if (WithBias)
                {
                    error += Math.Abs(bias[j]) * Math.Pow(2, -22);
                }
                (expected[i * N + j], bound[i * N + j]) = Activation switch
                {
                    GemmActivation.Relu => (Math.Max(value, 0), error),
                    GemmActivation.GeluTanh => (Gelu(value), 1.13 * error + Math.Abs(value) * Math.Pow(2, -18) + 1e-30),
                    // SiLU's slope stays below 1.1; its float form adds a few roundings relative to |x|.
                    GemmActivation.Silu => (value / (1 + Math.Exp(-value)), 1.1 * error + Math.Abs(value) * Math.Pow(2, -18) + 1e-30),
                    _ => (value, error),
                };
            }
        }
        return (expected, bound);
    }

    /// <summary>
    /// Compares <paramref name="actual"/> with the <see cref="Oracle"/>; elements outside the M x N window
    /// (the ldc padding) must be untouched. Returns null when it agrees, else the first difference.
    /// </summary>
    public string? Check(float[] actual, float[] c, (double[] Expected, double[] Bound) oracle)
    {
        for (int i = 0; i < M; i++)
        {
            for (int j = 0; j < N; j++)
            {
                double got = actual[i * Ldc + j], expected = oracle.Expected[i * N + j], bound = oracle.Bound[i * N + j];
                if (!(Math.Abs(got - expected) <= bound))
                {
                    return $"{this}: C[{i},{j}] = {got}, expected {expected} within {bound}";
                }
            }
            for (int j = N; j < Ldc && i * Ldc + j < c.Length; j++)
            {
                if (BitConverter.SingleToInt32Bits(actual[i * Ldc + j]) != BitConverter.SingleToInt32Bits(c[i * Ldc + j]))
                {
                    return $"{this}: padding C[{i},{j}] was overwritten";
                }
            }
        }
        return null;
    }

    private static double Gelu(double x) => 0.5 * x * (1 + Math.Tanh(Math.Sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x)));
}
