using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using ParameterKit.Gguf;
using ParameterKit.Kernels;

namespace ParameterKit.Tests.Kernels;

/// <summary>
/// Products with a Q8_0 weight (<see cref="GemmQ8_0"/>): every path this process can run, forced one by one, at one to
/// three threads, agrees with the double-precision reference of the same quantized arithmetic
/// (<see cref="GemmQ8_0Reference"/>: activations quantized per block as llama.cpp does, exact integer block sums) within
/// float32 accumulation error, over odd M and N and K a multiple of 32; thread counts give identical bits; tall products
/// (the dequantizing route) match a double-precision product of the dequantized weights; the helpers (f16 scales,
/// activation and weight quantization) are exact; bad arguments are refused by name.
/// </summary>
public sealed unsafe class GemmQ8_0Tests
{
    private static readonly int[] ThreadCounts = [1, 2, 3];

    /// <summary>Every path the machine supports (the portable one always).</summary>
    internal static Q8_0Path[] SupportedPaths =>
        [.. Enum.GetValues<Q8_0Path>().Where(Q8_0Dispatch.IsSupported)];

    /// <summary>One product: shapes, epilogue and the seed of its random values.</summary>
    public sealed record Case(int M, int N, int Blocks, int PadA, int PadC, float Beta, bool Bias, GemmActivation Activation, int Seed)
    {
        public int K => Blocks * 32;
    }

    private static Gen<Case> Cases =>
        from m in Gen.Frequency((4, Gen.Constant(1)), (1, Gen.Constant(0)), (3, Gen.Choose(2, 9)), (2, Gen.Choose(10, 32)), (1, Gen.Choose(33, 45)))
        from n in Gen.Frequency((1, Gen.Constant(1)), (2, Gen.Choose(2, 17)), (5, Gen.Choose(18, 140)))
        from blocks in Gen.Frequency((1, Gen.Constant(0)), (3, Gen.Choose(1, 3)), (4, Gen.Choose(4, 13)))
        from pads in Gen.Two(Gen.Elements(0, 0, 1, 5))
        from beta in Gen.Elements(0f, 0f, 1f, 0.75f)
        from bias in Gen.Elements(true, false)
        from activation in Gen.Elements(GemmActivation.None, GemmActivation.None, GemmActivation.Relu, GemmActivation.GeluTanh)
        from seed in Gen.Choose(0, int.MaxValue)
        select new Case(m, n, blocks, pads.Item1, pads.Item2, beta, bias, activation, seed);

    [Property(MaxTest = 120)]
    public Property EveryPathAndThreadCountMatchesTheQuantizedReference() =>
        Prop.ForAll(Cases.ToArbitrary(), testCase => AllVariantsAgree(testCase));

    [Theory]
    [InlineData(1, 1001, 768)] // a token being generated: the logits product of a small vocabulary
    [InlineData(3, 301, 768)] // a short prompt: one group of rows below four
    [InlineData(7, 97, 3072)] // a group of four and three more, GPT-2's MLP projection width
    [InlineData(32, 45, 96)] // the last M on the integer route
    [InlineData(33, 45, 96)] // the first M on the dequantizing route
    public void GenerationAndPromptShapedProductsMatchTheReference(int m, int n, int k) =>
        Assert.True(AllVariantsAgree(new Case(m, n, k / 32, 0, 0, 0f, true, GemmActivation.None, 17)));

    [Fact]
    public void EveryF16ScaleWidensExactly()
    {
        for (int bits = 0; bits < 65536; bits++)
        {
            float expected = (float)BitConverter.UInt16BitsToHalf((ushort)bits);
            float actual = Q8_0Scale.ToSingle((ushort)bits);
            Assert.True(float.IsNaN(expected) ? float.IsNaN(actual) : BitConverter.SingleToInt32Bits(expected) == BitConverter.SingleToInt32Bits(actual),
                $"f16 0x{bits:X4}: {actual}, expected {expected}");
        }
    }

    [Fact]
    public void ActivationsQuantizeToNearestEvenAndTheVectorFormMatchesTheScalar()
    {
        // amax 127 makes the scale exactly 1, so x itself is rounded: ties go to the even neighbour (as _mm256_round_ps).
        float[] x = new float[64];
        x[0] = 127f;
        x[1] = 2.5f;
        x[2] = 3.5f;
        x[3] = -2.5f;
        x[4] = -0.5f;
        x[5] = 0.49f;
        var random = new Random(3);
        for (int i = 32; i < 64; i++)
        {
            x[i] = (float)(random.NextDouble() * 6 - 3);
        }
        sbyte[] scalar = new sbyte[64], vector = new sbyte[64];
        float[] scalarScales = new float[2], vectorScales = new float[2];
        fixed (float* px = x, ps = scalarScales, pv = vectorScales)
        fixed (sbyte* qs = scalar, qv = vector)
        {
            Q8_0Activations.QuantizeRowScalar(px, 64, qs, ps);
            Q8_0Activations.QuantizeRowVector256(px, 64, qv, pv);
        }
        Assert.Equal([127, 2, 4, -2, 0, 0], scalar[..6]);
        Assert.Equal(1f, scalarScales[0]);
        Assert.Equal((float)(Half)(x[32..].Max(MathF.Abs) / 127f), scalarScales[1]);
        Assert.Equal(scalar, vector);
        Assert.Equal(scalarScales, vectorScales);
    }

    [Fact]
    public void WeightsQuantizeAsLlamaCppsReferenceRoundingHalfAwayFromZero()
    {
        float[] x = new float[64];
        x[0] = -127f;
        x[1] = 2.5f;
        x[2] = -2.5f;
        x[3] = 0.5f;
        // The second block is all zeros: scale 0, integers 0 (llama.cpp's id = 0 guard).
        var blocks = new byte[68];
        Q8_0Quantization.Quantize(x, blocks);
        Assert.Equal((Half)1f, BitConverter.UInt16BitsToHalf(BitConverter.ToUInt16(blocks, 0)));
        Assert.Equal([-127, 3, -3, 1, 0], blocks[2..7].Select(b => (int)(sbyte)b));
        Assert.All(blocks[34..], b => Assert.Equal(0, b));
        Assert.Throws<ArgumentException>(() => Q8_0Quantization.Quantize(new float[33], new byte[34]));
    }

    [Fact]
    public void BadArgumentsAreRefusedByName()
    {
        var a = new float[64];
        var w = new byte[2 * 68];
        var c = new float[4];
        var k = Assert.Throws<ArgumentOutOfRangeException>(() => GemmQ8_0.Multiply(1, 2, 48, a, 48, w, 0f, c, 2, default, GemmActivation.None));
        Assert.Equal("k", k.ParamName);
        Assert.Contains("multiple of 32", k.Message, StringComparison.Ordinal);
        var shortW = Assert.Throws<ArgumentException>(() => GemmQ8_0.Multiply(1, 3, 64, a, 64, w, 0f, c, 3, default, GemmActivation.None));
        Assert.Equal("w", shortW.ParamName);
        Assert.Throws<ArgumentException>(() => GemmQ8_0.Multiply(2, 2, 64, a, 64, w, 0f, c, 2, default, GemmActivation.None));
        Assert.Throws<ArgumentException>(() => GemmQ8_0.Multiply(1, 2, 64, a, 64, w, 0f, c, 2, new float[3], GemmActivation.None));
    }

    [Fact]
    public void SteadyStateCallsAllocateNothing()
    {
        var testCase = new Case(4, 64, 24, 0, 0, 0f, true, GemmActivation.GeluTanh, 9);
        (float[] a, byte[] w, float[] bias) = Operands(testCase);
        var c = new float[testCase.M * testCase.N];
        GemmQ8_0.Multiply(Q8_0Dispatch.Best, 1, long.MaxValue, testCase.M, testCase.N, testCase.K, a, testCase.K, w, 0f, c, testCase.N, bias, testCase.Activation);
        long before = GC.GetAllocatedBytesForCurrentThread();
        GemmQ8_0.Multiply(Q8_0Dispatch.Best, 1, long.MaxValue, testCase.M, testCase.N, testCase.K, a, testCase.K, w, 0f, c, testCase.N, bias, testCase.Activation);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    /// <summary>Random A, bias and weights (float32 values quantized as a checkpoint would be) for <paramref name="testCase"/>.</summary>
    internal static (float[] A, byte[] W, float[] Bias) Operands(Case testCase)
    {
        var random = new Random(testCase.Seed);
        int lda = Math.Max(testCase.K, 1) + testCase.PadA;
        var a = new float[Math.Max(0, (testCase.M - 1) * lda + testCase.K)];
        for (int i = 0; i < a.Length; i++)
        {
            a[i] = (float)(random.NextDouble() * 4 - 2);
        }
        var weights = new float[testCase.N * testCase.K];
        for (int i = 0; i < weights.Length; i++)
        {
            // Mostly small values with a few large ones per row, as trained weights have.
            weights[i] = (float)((random.NextDouble() - 0.5) * (random.Next(16) == 0 ? 1.0 : 0.1));
        }
        var w = new byte[GemmQ8_0.RowBytes(testCase.K) * testCase.N];
        Q8_0Quantization.Quantize(weights, w);
        float[] bias = testCase.Bias ? [.. Enumerable.Range(0, testCase.N).Select(_ => (float)random.NextDouble() - 0.5f)] : [];
        return (a, w, bias);
    }

    private static bool AllVariantsAgree(Case testCase)
    {
        (float[] a, byte[] w, float[] bias) = Operands(testCase);
        int lda = Math.Max(testCase.K, 1) + testCase.PadA, ldc = testCase.N + testCase.PadC;
        var initial = new float[Math.Max(0, (testCase.M - 1) * ldc + testCase.N)];
        var random = new Random(testCase.Seed ^ 0x5A5A);
        for (int i = 0; i < initial.Length; i++)
        {
            initial[i] = (float)random.NextDouble();
        }
        (float[] expected, double[] tolerance) = Expected(testCase, a, lda, w, bias, initial, ldc);
        foreach (Q8_0Path path in SupportedPaths)
        {
            float[]? first = null;
            foreach (int threads in ThreadCounts)
            {
                float[] c = (float[])initial.Clone();
                GemmQ8_0.Multiply(path, threads, 0, testCase.M, testCase.N, testCase.K, a, lda, w, testCase.Beta, c, ldc, bias, testCase.Activation);
                for (int i = 0; i < c.Length; i++)
                {
                    if (!(Math.Abs(c[i] - expected[i]) <= tolerance[i]))
                    {
                        throw new Xunit.Sdk.XunitException($"{testCase} on {path} at {threads} threads: C[{i}] = {c[i]}, reference {expected[i]} (tolerance {tolerance[i]})");
                    }
                }
                if (first is null)
                {
                    first = c;
                }
                else if (!first.AsSpan().SequenceEqual(c))
                {
                    throw new Xunit.Sdk.XunitException($"{testCase} on {path}: {threads} threads changed the bits of C");
                }
            }
        }
        return true;
    }

    /// <summary>
    /// The reference C and a bound per element: float32 accumulation over B blocks errs by at most about
    /// (B + 8) · 2⁻²⁴ of the sum of the terms' magnitudes; the bound allows 4x that, plus the activation's own rounding.
    /// </summary>
    private static (float[] C, double[] Tolerance) Expected(Case testCase, float[] a, int lda, byte[] w, float[] bias, float[] initial, int ldc)
    {
        float[] c = (float[])initial.Clone();
        var magnitude = new double[c.Length];
        if (testCase.M <= GemmQ8_0.IntegerRows)
        {
            GemmQ8_0Reference.Multiply(testCase.M, testCase.N, testCase.K, a, lda, w, testCase.Beta, c, ldc, bias, testCase.Activation, magnitude);
        }
        else
        {
            DequantizedReference(testCase, a, lda, w, bias, c, ldc, magnitude);
        }
        var tolerance = new double[c.Length];
        for (int i = 0; i < c.Length; i++)
        {
            double size = magnitude[i] + Math.Abs(testCase.Beta * initial[i]) + (bias.Length > 0 ? 1 : 0);
            tolerance[i] = 4 * (testCase.Blocks + 40) * Math.Pow(2, -24) * size + 1e-6;
        }
        return (c, tolerance);
    }

    /// <summary>Tall A: the weights dequantized exactly and multiplied by A in double (no activation quantization).</summary>
    private static void DequantizedReference(Case t, float[] a, int lda, byte[] w, float[] bias, float[] c, int ldc, double[] magnitude)
    {
        var weights = new float[t.N * t.K];
        Q8_0Blocks.Dequantize(w, weights, t.N * t.Blocks);
        for (int r = 0; r < t.M; r++)
        {
            for (int j = 0; j < t.N; j++)
            {
                double sum = 0, size = 0;
                for (int p = 0; p < t.K; p++)
                {
                    double term = (double)a[r * lda + p] * weights[j * t.K + p];
                    sum += term;
                    size += Math.Abs(term);
                }
                int at = r * ldc + j;
                double value = sum + (t.Beta == 0 ? 0 : (double)t.Beta * c[at]) + (bias.Length == 0 ? 0 : bias[j]);
                c[at] = GemmEpilogue.Activate((float)value, t.Activation);
                magnitude[at] = size * 8; // the blocked float32 GEMM sums K terms in float32, not B block sums
            }
        }
    }
}
