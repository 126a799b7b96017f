using System.Numerics;
using System.Runtime.Intrinsics;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using ParameterKit.Kernels;
using ParameterKit.Tensors;
using ParameterKit.Tensors.Conversions;

namespace ParameterKit.Tests.Kernels;

/// <summary>
/// GEMM with a half-precision B (bf16, f16): every path this process can run, forced one by one, and every thread
/// count agree with a double-precision reference computed on the upcast B values (the same error bound as the
/// float32 GEMM, <see cref="GemmCase.Oracle"/>), over odd shapes; thread counts give identical bits; the in-register
/// widening of every path matches the scalar conversion on all 65,536 bit patterns; steady-state calls allocate nothing.
/// </summary>
public sealed unsafe class GemmHalfTests
{
    private static readonly int[] ThreadCounts = [1, 2, 3];
    private static readonly DType[] HalfTypes = [DType.BF16, DType.F16];
    private static readonly int[] OneAndTwoThreads = [1, 2];

    private static GemmPath[] SupportedPaths => GemmPropertyTests.SupportedPaths;

    /// <summary>Shapes weighted towards M = 1 (generation), N &lt;= 8 (narrow) and sizes off the vector widths.</summary>
    private static Gen<GemmCase> Cases =>
        from transA in Gen.Elements(Transpose.No, Transpose.Yes)
        from transB in Gen.Elements(Transpose.No, Transpose.Yes)
        from m in Gen.Frequency((4, Gen.Constant(1)), (1, Gen.Constant(0)), (2, Gen.Choose(2, 9)), (4, Gen.Choose(2, 70)))
        from n in Gen.Frequency((1, Gen.Constant(1)), (2, Gen.Choose(2, 8)), (2, Gen.Elements(15, 31, 32, 33, 63, 65)), (5, Gen.Choose(9, 140)))
        from k in Gen.Frequency((1, Gen.Constant(0)), (2, Gen.Choose(1, 9)), (2, Gen.Elements(31, 32, 33, 63, 64, 65)), (5, Gen.Choose(10, 300)))
        from pads in Gen.Three(Gen.Elements(0, 0, 1, 3))
        from alpha in Gen.Elements(1f, 1f, -0.5f, 0f)
        from beta in Gen.Elements(0f, 0f, 1f, 0.75f)
        from bias in Gen.Elements(true, false)
        from activation in Gen.Elements(GemmActivation.None, GemmActivation.None, GemmActivation.Relu, GemmActivation.GeluTanh)
        from seed in Gen.Choose(0, int.MaxValue)
        select new GemmCase(transA, transB, m, n, k, pads.Item1, pads.Item2, pads.Item3, alpha, beta, bias, activation, seed);

    [Property(MaxTest = 150)]
    public Property EveryPathAndThreadCountMatchesTheUpcastReference() =>
        Prop.ForAll(Cases.ToArbitrary(), testCase => HalfTypes.All(type => AllVariantsAgree(testCase, type)));

    [Theory]
    [InlineData(DType.BF16, Transpose.Yes)]
    [InlineData(DType.BF16, Transpose.No)]
    [InlineData(DType.F16, Transpose.Yes)]
    [InlineData(DType.F16, Transpose.No)]
    public void GenerationShapedProductsMatchTheUpcastReference(DType type, Transpose transB)
    {
        // 1 x 768 x 1000: the logits product's shape in small (dot form for wte, axpy form for Conv1D weights, K split
        // in slices); 1 x 301 x 1100, with tails in K and N; and a 3 x 768 x 300 product that takes the blocked route
        // with B widened while packed.
        Assert.True(AllVariantsAgree(new GemmCase(Transpose.No, transB, 1, 1000, 768, 0, 0, 0, 1f, 0f, true, GemmActivation.None, 5), type));
        Assert.True(AllVariantsAgree(new GemmCase(Transpose.No, transB, 1, 1100, 301, 0, 0, 0, 1f, 0.5f, true, GemmActivation.Relu, 7), type));
        // K too short to split in slices, so threads split the 1,100 columns: each part must add in the whole product's order.
        Assert.True(AllVariantsAgree(new GemmCase(Transpose.No, transB, 1, 1100, 20, 0, 0, 0, 1f, 0f, false, GemmActivation.None, 8), type));
        Assert.True(AllVariantsAgree(new GemmCase(Transpose.No, transB, 3, 300, 768, 0, 0, 0, 1f, 1f, false, GemmActivation.GeluTanh, 6), type));
    }

    [Fact]
    public void EveryPathWidensEveryBitPatternExactly()
    {
        var patterns = new ushort[65536 + 64];
        for (int i = 0; i < 65536; i++)
        {
            patterns[i] = (ushort)i;
        }
        var expectedBf16 = new float[65536];
        var expectedF16 = new float[65536];
        for (int i = 0; i < 65536; i++)
        {
            expectedBf16[i] = BitConverter.Int32BitsToSingle(i << 16);
            expectedF16[i] = (float)BitConverter.UInt16BitsToHalf((ushort)i);
        }
        fixed (ushort* source = patterns)
        {
            if (GemmDispatch.IsSupported(GemmPath.Avx512))
            {
                CheckWiden<GemmWidenBFloat16Avx512, Vector512<float>>(source, expectedBf16, Vector512<float>.Count, static (v, i) => v.GetElement(i));
                CheckWiden<GemmWidenFloat16Avx512, Vector512<float>>(source, expectedF16, Vector512<float>.Count, static (v, i) => v.GetElement(i));
            }
            if (GemmDispatch.IsSupported(GemmPath.Avx2))
            {
                CheckWiden<GemmWidenBFloat16Avx2, Vector256<float>>(source, expectedBf16, Vector256<float>.Count, static (v, i) => v.GetElement(i));
                CheckWiden<GemmWidenFloat16Avx2, Vector256<float>>(source, expectedF16, Vector256<float>.Count, static (v, i) => v.GetElement(i));
            }
            CheckWiden<GemmWidenBFloat16Portable, Vector<float>>(source, expectedBf16, Vector<float>.Count, static (v, i) => v[i]);
            CheckWiden<GemmWidenFloat16Portable, Vector<float>>(source, expectedF16, Vector<float>.Count, static (v, i) => v[i]);
        }
    }

    [Fact]
    public void TheFastF16WideningIsExactOnFiniteValuesAndSeesEveryOtherOne()
    {
        var patterns = new ushort[65536 + 64];
        for (int i = 0; i < 65536; i++)
        {
            patterns[i] = (ushort)i;
        }
        fixed (ushort* source = patterns)
        {
            if (GemmDispatch.IsSupported(GemmPath.Avx512))
            {
                CheckFiniteWiden<GemmWidenFloat16FiniteAvx512, Vector512<float>>(source, Vector512<float>.Count, static (v, i) => v.GetElement(i));
            }
            if (GemmDispatch.IsSupported(GemmPath.Avx2))
            {
                CheckFiniteWiden<GemmWidenFloat16FiniteAvx2, Vector256<float>>(source, Vector256<float>.Count, static (v, i) => v.GetElement(i));
            }
            CheckFiniteWiden<GemmWidenFloat16FinitePortable, Vector<float>>(source, Vector<float>.Count, static (v, i) => v[i]);
        }
    }

    [Fact]
    public void TheWatchSeesOneInfinityOrNaNAmongTheLargestFiniteHalvesAtAnyPlace()
    {
        // The block-by-block test above never mixes finite and non-finite halves in one block; the watch must see a
        // single one in any lane, of either sign, beside finite halves of the largest magnitude (+-65,504, 0x7BFF and
        // 0xFBFF, which doubled are just under the line) and of the other sign.
        if (GemmDispatch.IsSupported(GemmPath.Avx512))
        {
            CheckWatch<GemmWidenFloat16FiniteAvx512, Vector512<float>>(2 * Vector512<float>.Count);
        }
        if (GemmDispatch.IsSupported(GemmPath.Avx2))
        {
            CheckWatch<GemmWidenFloat16FiniteAvx2, Vector256<float>>(2 * Vector256<float>.Count);
        }
        CheckWatch<GemmWidenFloat16FinitePortable, Vector<float>>(2 * Vector<float>.Count);
    }

    [Fact]
    public void TheFastF16WideningsScalesAreExactPowersOfTwo()
    {
        Assert.Equal((double)GemmFloat16FiniteBits.InputScale, Math.Pow(2, 112));
        Assert.Equal((double)GemmFloat16FiniteBits.Descale, Math.Pow(2, -112));
        // x times 2^112 stays finite up to the input limit.
        Assert.True(float.IsFinite(BitConverter.Int32BitsToSingle(BitConverter.SingleToInt32Bits(GemmFloat16FiniteBits.InputLimit) - 1) * GemmFloat16FiniteBits.InputScale));
        Assert.True(GemmFloat16FiniteBits.FitsInputScale([1f, -65535.99f, 0f]));
        Assert.False(GemmFloat16FiniteBits.FitsInputScale([1f, -65536f]));
        Assert.False(GemmFloat16FiniteBits.FitsInputScale([1f, float.NaN]));
        Assert.False(GemmFloat16FiniteBits.FitsInputScale([float.PositiveInfinity]));
    }

    [Theory]
    [InlineData(Transpose.Yes, 1000, 768)] // dot form
    [InlineData(Transpose.No, 1000, 768)] // axpy, K split in slices
    [InlineData(Transpose.No, 1100, 301)] // axpy, K split in slices, tails in K and N
    [InlineData(Transpose.No, 300, 20)] // axpy, K too short to split
    [InlineData(Transpose.Yes, 77, 301)] // dot form, tails
    public void F16ProductsWithXScaledByTwoToThe112GiveTheExactWideningsBits(Transpose transB, int n, int k)
    {
        // The fast f16 widening gives w·2^-112 and pairs it with x·2^112: each FMA's product is w·x exactly, so the
        // outputs must be bit for bit those of the exact widening in the same kernel. An |x| of 2^16 or more sends a call
        // to the exact widening; put one where every weight is zero, so it adds nothing, and compare with the same call
        // with a zero there (the fast widening). Weights: every finite f16 bit pattern, subnormals included, at random;
        // x: sizes from subnormal to 10^4.
        var random = new Random(n * 31 + k);
        var bits = new ushort[n * k];
        for (int i = 0; i < bits.Length; i++)
        {
            ushort h;
            do
            {
                h = (ushort)random.Next(65536);
            }
            while (!Half.IsFinite(BitConverter.UInt16BitsToHalf(h)) || Math.Abs((float)BitConverter.UInt16BitsToHalf(h)) > 64);
            bits[i] = h;
        }
        int zeroColumn = k / 2;
        for (int j = 0; j < n; j++)
        {
            bits[transB == Transpose.Yes ? j * k + zeroColumn : zeroColumn * n + j] = 0;
        }
        var x = new float[k];
        for (int p = 0; p < k; p++)
        {
            x[p] = (float)((random.NextDouble() - 0.5) * Math.Pow(10, random.Next(-44, 5)));
        }
        int ldb = transB == Transpose.Yes ? k : n;
        foreach (GemmPath path in SupportedPaths)
        {
            foreach (int threads in OneAndTwoThreads)
            {
                x[zeroColumn] = 0f;
                var fast = new float[n];
                GemmHalf.Multiply(path, threads, 0, Transpose.No, transB, 1, n, k, 1f, x, k, bits, DType.F16, ldb, 0f, fast, n, default, GemmActivation.None);
                x[zeroColumn] = 70000f;
                var exact = new float[n];
                GemmHalf.Multiply(path, threads, 0, Transpose.No, transB, 1, n, k, 1f, x, k, bits, DType.F16, ldb, 0f, exact, n, default, GemmActivation.None);
                Assert.Equal(exact.Select(BitConverter.SingleToInt32Bits), fast.Select(BitConverter.SingleToInt32Bits));
                Assert.Contains(fast, v => v != 0);
            }
        }
    }

    [Theory]
    [InlineData(40_003, 13)] // rows of 40,003 columns: four at a time at 1 and 2 threads, one at a time at 3 (13,335 each)
    [InlineData(16_384, 6)] // exactly the threshold at 1 thread; 5,462 columns a thread at 3
    public void WideRowsSummedFourAtATimeGiveTheBitsOfRowByRow(int n, int k)
    {
        // The axpy form adds four stored rows per pass over the sums when a row is long (GemmVectorHalf.WideRow), with
        // the same FMAs in the same order per sum as row by row. The thread counts split the columns so that some calls
        // take the four-row form and some do not: all must agree bit for bit, and with the double reference.
        var testCase = new GemmCase(Transpose.No, Transpose.No, 1, n, k, 0, 0, 0, 1f, 0f, false, GemmActivation.None, n + k);
        (float[] a, float[] b, float[] c, float[] bias) = testCase.Data();
        foreach (DType type in HalfTypes)
        {
            (ushort[] bits, float[] upcast) = ToHalf(b, type);
            (double[] expected, double[] bound) = testCase.Oracle(a, upcast, c, bias);
            foreach (GemmPath path in SupportedPaths)
            {
                float[]? single = null;
                foreach (int threads in ThreadCounts)
                {
                    float[] actual = (float[])c.Clone();
                    GemmHalf.Multiply(path, threads, 0, Transpose.No, Transpose.No, 1, n, k, 1f, a, testCase.Lda, bits, type, testCase.Ldb, 0f, actual, testCase.Ldc, bias, GemmActivation.None);
                    for (int j = 0; j < n; j++)
                    {
                        Assert.True(Math.Abs(actual[j] - expected[j]) <= bound[j], $"{type}, {path}, {threads} thread(s): C[{j}] = {actual[j]}, expected {expected[j]}");
                    }
                    single ??= actual;
                    Assert.Equal(single.Select(BitConverter.SingleToInt32Bits), actual.Select(BitConverter.SingleToInt32Bits));
                }
            }
        }
    }

    [Theory]
    [InlineData(Transpose.Yes, 1000, 768)] // dot form
    [InlineData(Transpose.No, 1000, 768)] // axpy, K split in slices, 2,000-byte rows one at a time
    [InlineData(Transpose.No, 1100, 301)] // axpy, K split in slices, tails in K and N
    [InlineData(Transpose.No, 1100, 20)] // axpy, K too short to split: threads split the columns
    [InlineData(Transpose.No, 300, 20)] // axpy, K too short to split, fewer columns
    public void F16InfinitiesAndNaNsInTheWeightsGiveTheExactResult(Transpose transB, int n, int k)
    {
        // The matrix-vector kernels widen f16 in a form that is exact only on finite values and redo a row or a block
        // of columns exactly when they meet an infinity or a NaN: the outputs those weights reach must be the infinities
        // and NaNs the upcast matrix gives, and every other output unchanged.
        var testCase = new GemmCase(Transpose.No, transB, 1, n, k, 0, 0, 0, 1f, 0f, false, GemmActivation.None, n + k);
        (float[] a, float[] b, float[] c, float[] bias) = testCase.Data();
        (ushort[] bits, float[] upcast) = ToHalf(b, DType.F16);
        var random = new Random(n * 7 + k);
        ushort[] specials = [0x7C00, 0xFC00, 0x7E00, 0xFE01, 0x7C01];
        for (int i = 0; i < 6; i++)
        {
            int at = random.Next(bits.Length);
            bits[at] = specials[i % specials.Length];
            upcast[at] = (float)BitConverter.UInt16BitsToHalf(bits[at]);
        }
        (double[] expected, double[] bound) = testCase.Oracle(a, upcast, c, bias);
        Assert.Contains(expected, double.IsNaN);
        Assert.Contains(expected, double.IsInfinity);
        foreach (GemmPath path in SupportedPaths)
        {
            float[]? single = null;
            foreach (int threads in ThreadCounts)
            {
                float[] actual = (float[])c.Clone();
                GemmHalf.Multiply(path, threads, 0, Transpose.No, transB, 1, n, k, 1f, a, testCase.Lda, bits, DType.F16, testCase.Ldb, 0f, actual, testCase.Ldc, bias, GemmActivation.None);
                for (int j = 0; j < n; j++)
                {
                    double want = expected[j], got = actual[j];
                    bool ok = double.IsNaN(want) ? double.IsNaN(got) : double.IsInfinity(want) ? got == want : Math.Abs(got - want) <= bound[j];
                    Assert.True(ok, $"{path}, {threads} thread(s), {testCase}: C[{j}] = {got}, expected {want}");
                }
                single ??= actual;
                Assert.Equal(single.Select(v => float.IsNaN(v) ? -1 : BitConverter.SingleToInt32Bits(v)), actual.Select(v => float.IsNaN(v) ? -1 : BitConverter.SingleToInt32Bits(v)));
            }
        }
    }

    [Fact]
    public void EveryPathWidensF16RowsOfOddLengthsExactly()
    {
        // Packing widens whole rows: vector blocks, then a scalar tail. Every length 0..100 at every offset 0..3 of a
        // row of random bit patterns (all 65,536 once, then including NaNs, infinities and subnormals at random).
        var random = new Random(15);
        var patterns = new ushort[65536 + 104];
        for (int i = 0; i < patterns.Length; i++)
        {
            patterns[i] = i < 65536 ? (ushort)i : (ushort)random.Next(65536);
        }
        var destination = new float[patterns.Length + 1];
        fixed (ushort* source = patterns)
        fixed (float* target = destination)
        {
            foreach (GemmPath path in SupportedPaths)
            {
                GemmPackingHalf.WidenFloat16(path, source, target, 65536);
                CheckF16Row(path, patterns, 0, destination, 65536);
                for (int offset = 0; offset < 4; offset++)
                {
                    for (int count = 0; count <= 100; count++)
                    {
                        int start = 65536 + offset;
                        destination[count] = 12345f; // the value just past the row must survive
                        GemmPackingHalf.WidenFloat16(path, source + start, target, count);
                        CheckF16Row(path, patterns, start, destination, count);
                        Assert.Equal(12345f, destination[count]);
                    }
                }
            }
        }
    }

    [Fact]
    public void AnythingButBf16OrF16IsRejectedByName()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => GemmHalf.Multiply(
            Transpose.No, Transpose.Yes, 1, 2, 2, 1f, new float[2], 2, new ushort[4], DType.F32, 2, 0f, new float[2], 2, default, GemmActivation.None));
        Assert.Equal("bType", error.ParamName);
        Assert.Equal("b", Assert.Throws<ArgumentException>(() => GemmHalf.Multiply(
            Transpose.No, Transpose.Yes, 1, 2, 2, 1f, new float[2], 2, new ushort[3], DType.BF16, 2, 0f, new float[2], 2, default, GemmActivation.None)).ParamName);
    }

    [Fact]
    public void SteadyStateCallsAllocateNothing()
    {
        float[] a = new float[200 * 300], c = new float[200 * 300], bias = new float[300];
        ushort[] b = new ushort[300 * 300];
        float[] x = new float[300], y = new float[300];
        void Calls()
        {
            foreach (DType type in HalfTypes)
            {
                foreach (int threads in OneAndTwoThreads)
                {
                    GemmHalf.Multiply(GemmDispatch.Best, threads, 0, Transpose.No, Transpose.Yes, 200, 300, 300, 1f, a, 300, b, type, 300, 0f, c, 300, bias, GemmActivation.GeluTanh);
                    GemmHalf.Multiply(GemmDispatch.Best, threads, 0, Transpose.No, Transpose.No, 200, 300, 300, 1f, a, 300, b, type, 300, 1f, c, 300, default, GemmActivation.None);
                    GemmHalf.Multiply(GemmDispatch.Best, threads, 0, Transpose.No, Transpose.Yes, 1, 300, 300, 1f, x, 300, b, type, 300, 0f, y, 300, bias, GemmActivation.None);
                    GemmHalf.Multiply(GemmDispatch.Best, threads, 0, Transpose.No, Transpose.No, 1, 300, 300, 1f, x, 300, b, type, 300, 0f, y, 300, default, GemmActivation.None);
                    GemmHalf.Multiply(GemmDispatch.Best, threads, 0, Transpose.No, Transpose.No, 32, 3, 64, 1f, a, 64, b, type, 3, 0f, c, 3, default, GemmActivation.None);
                }
            }
        }
        var perRound = new long[10];
        for (int round = 0; round < perRound.Length; round++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            Calls();
            perRound[round] = GC.GetAllocatedBytesForCurrentThread() - before;
        }
        Assert.Equal([0, 0, 0], perRound[^3..]);
    }

    /// <summary>Rounds a float32 B to <paramref name="type"/> and widens it back: the values the half GEMM multiplies by.</summary>
    internal static (ushort[] Bits, float[] Upcast) ToHalf(float[] values, DType type)
    {
        var bits = new ushort[values.Length];
        var upcast = new float[values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            bits[i] = type == DType.BF16
                ? ConversionReference.SingleToBFloat16(values[i])
                : BitConverter.HalfToUInt16Bits((Half)values[i]);
            upcast[i] = type == DType.BF16 ? BitConverter.Int32BitsToSingle(bits[i] << 16) : (float)BitConverter.UInt16BitsToHalf(bits[i]);
        }
        return (bits, upcast);
    }

    private static bool AllVariantsAgree(GemmCase testCase, DType type)
    {
        (float[] a, float[] b, float[] c, float[] bias) = testCase.Data();
        (ushort[] bits, float[] upcast) = ToHalf(b, type);
        (double[] Expected, double[] Bound) oracle = testCase.Oracle(a, upcast, c, bias);
        foreach (GemmPath path in SupportedPaths)
        {
            float[]? single = null;
            foreach (int threads in ThreadCounts)
            {
                float[] actual = (float[])c.Clone();
                GemmHalf.Multiply(path, threads, 0, testCase.TransA, testCase.TransB, testCase.M, testCase.N, testCase.K, testCase.Alpha,
                    a, testCase.Lda, bits, type, testCase.Ldb, testCase.Beta, actual, testCase.Ldc, bias, testCase.Activation);
                string? failure = testCase.Check(actual, c, oracle);
                Assert.True(failure == null, $"{type} {path}, {threads} thread(s): {failure}");
                single ??= actual;
                Assert.True(single.Select(BitConverter.SingleToInt32Bits).SequenceEqual(actual.Select(BitConverter.SingleToInt32Bits)),
                    $"{type} {path}: {threads} threads differ from 1 thread for {testCase}");
            }
        }
        return true;
    }

    private static void CheckF16Row(GemmPath path, ushort[] patterns, int start, float[] widened, int count)
    {
        for (int i = 0; i < count; i++)
        {
            float want = (float)BitConverter.UInt16BitsToHalf(patterns[start + i]), got = widened[i];
            Assert.True(BitConverter.SingleToInt32Bits(got) == BitConverter.SingleToInt32Bits(want) || (float.IsNaN(got) && float.IsNaN(want)),
                $"{path}: f16 0x{patterns[start + i]:X4} at {i} of {count} widened to {got} (0x{BitConverter.SingleToInt32Bits(got):X8}), expected {want}");
        }
    }

    private static void CheckWiden<TWiden, TVector>(ushort* source, float[] expected, int count, Func<TVector, int, float> element)
        where TWiden : struct, IGemmHalfWiden<TVector>
        where TVector : struct
    {
        for (int start = 0; start < 65536; start += 2 * count)
        {
            float[] widened = WidenedBothWays<TWiden, TVector>(source, start, count, element, out _);
            for (int i = 0; i < 2 * count; i++)
            {
                float got = widened[i];
                float want = expected[start + i];
                Assert.True(
                    BitConverter.SingleToInt32Bits(got) == BitConverter.SingleToInt32Bits(want) || (float.IsNaN(got) && float.IsNaN(want)),
                    $"{typeof(TWiden).Name}: 0x{start + i:X4} widened to {got} (0x{BitConverter.SingleToInt32Bits(got):X8}), expected {want} (0x{BitConverter.SingleToInt32Bits(want):X8})");
                float scalar = TWiden.ToSingle((ushort)(start + i));
                Assert.True(
                    BitConverter.SingleToInt32Bits(scalar) == BitConverter.SingleToInt32Bits(want) || (float.IsNaN(scalar) && float.IsNaN(want)),
                    $"{typeof(TWiden).Name}.ToSingle(0x{start + i:X4}) = {scalar}, expected {want}");
            }
        }
    }

    private static void CheckFiniteWiden<TWiden, TVector>(ushort* source, int count, Func<TVector, int, float> element)
        where TWiden : struct, IGemmHalfWiden<TVector>
        where TVector : struct
    {
        for (int start = 0; start < 65536; start += 2 * count)
        {
            float[] widened = WidenedBothWays<TWiden, TVector>(source, start, count, element, out TVector watch);
            for (int i = 0; i < 2 * count; i++)
            {
                float got = widened[i];
                float value = (float)BitConverter.UInt16BitsToHalf((ushort)(start + i));
                // The value times 2^-112, computed in double: exact, and exactly a float (subnormal for subnormal halves).
                float want = (float)(value * Math.Pow(2, -112));
                if (float.IsFinite(value))
                {
                    Assert.True(BitConverter.SingleToInt32Bits(got) == BitConverter.SingleToInt32Bits(want),
                        $"{typeof(TWiden).Name}: 0x{start + i:X4} widened to {got} (0x{BitConverter.SingleToInt32Bits(got):X8}), expected {value} x 2^-112 = {want}");
                    Assert.Equal((double)value, (double)got * Math.Pow(2, 112));
                }
            }
            // A block holding an infinity or a NaN anywhere is seen, whichever it is; finite blocks never are. (What the
            // fast widening gives for those values does not matter: the kernel redoes the part exactly.)
            bool anyNonFinite = Enumerable.Range(start, 2 * count).Any(i => !Half.IsFinite(BitConverter.UInt16BitsToHalf((ushort)i)));
            Assert.Equal(anyNonFinite, TWiden.SawNonFinite(watch));
        }
    }

    private static void CheckWatch<TWiden, TVector>(int block)
        where TWiden : struct, IGemmHalfWiden<TVector>
        where TVector : struct
    {
        ushort[] specials = [0x7C00, 0xFC00, 0x7C01, 0xFC01, 0x7E00, 0xFFFF, 0x7FFF];
        // Two blocks: the first stays finite, the second gets the infinity or NaN; the watch folds them in either order.
        var halves = new ushort[2 * block];
        fixed (ushort* finite = halves)
        {
            ushort* other = finite + block;
            for (int i = 0; i < 2 * block; i++)
            {
                halves[i] = i % 2 == 0 ? (ushort)0x7BFF : (ushort)0xFBFF;
            }
            Assert.False(TWiden.SawNonFinite(TWiden.Watch(TWiden.Watch(default, finite), other)), $"{typeof(TWiden).Name}: +-65,504 seen as non-finite");
            for (int at = 0; at < block; at++)
            {
                foreach (ushort special in specials)
                {
                    ushort kept = other[at];
                    other[at] = special;
                    Assert.True(TWiden.SawNonFinite(TWiden.Watch(TWiden.Watch(default, finite), other)), $"{typeof(TWiden).Name}: 0x{special:X4} at lane {at} not seen");
                    Assert.True(TWiden.SawNonFinite(TWiden.Watch(TWiden.Watch(default, other), finite)), $"{typeof(TWiden).Name}: 0x{special:X4} at lane {at} not seen once a finite block followed");
                    other[at] = kept;
                }
            }
        }
    }

    /// <summary>
    /// Widens the <c>2 * count</c> values at <paramref name="start"/> both ways, Low/High and Even/Odd, checks that the two
    /// agree bit for bit (any NaN for any NaN), and returns them in order; <paramref name="watch"/> has the block's
    /// stored halves folded in.
    /// </summary>
    private static float[] WidenedBothWays<TWiden, TVector>(ushort* source, int start, int count, Func<TVector, int, float> element, out TVector watch)
        where TWiden : struct, IGemmHalfWiden<TVector>
        where TVector : struct
    {
        TVector low = TWiden.Low(source + start), high = TWiden.High(source + start);
        TVector even = TWiden.Even(source + start), odd = TWiden.Odd(source + start);
        watch = TWiden.Watch(default, source + start);
        var widened = new float[2 * count];
        for (int i = 0; i < 2 * count; i++)
        {
            float got = i < count ? element(low, i) : element(high, i - count);
            float paired = i % 2 == 0 ? element(even, i / 2) : element(odd, i / 2);
            Assert.True(BitConverter.SingleToInt32Bits(got) == BitConverter.SingleToInt32Bits(paired) || (float.IsNaN(got) && float.IsNaN(paired)),
                $"{typeof(TWiden).Name}: 0x{start + i:X4} widened to {got} by Low/High but {paired} by Even/Odd");
            widened[i] = got;
        }
        return widened;
    }
}
