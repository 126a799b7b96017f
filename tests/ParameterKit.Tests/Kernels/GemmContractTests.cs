using ParameterKit.Kernels;

namespace ParameterKit.Tests.Kernels;

/// <summary>Argument validation, instruction-set dispatch, and the no-allocation promise.</summary>
public sealed class GemmContractTests
{
    private static readonly int[] OneAndTwoThreads = [1, 2];

    [Fact]
    public void BiasOfTheWrongLengthIsRejectedByName()
    {
        var error = Assert.Throws<ArgumentException>(() => Gemm.Multiply(
            Transpose.No, Transpose.No, 2, 3, 4, 1f, new float[8], 4, new float[12], 3, 0f, new float[6], 3, new float[2], GemmActivation.None));
        Assert.Equal("bias", error.ParamName);
    }

    [Fact]
    public void ShortSpansAndSmallLeadingDimensionsAreRejectedByName()
    {
        Assert.Equal("a", Assert.Throws<ArgumentException>(() => Gemm.Multiply(
            Transpose.No, Transpose.No, 2, 3, 4, 1f, new float[7], 4, new float[12], 3, 0f, new float[6], 3)).ParamName);
        Assert.Equal("ldb", Assert.Throws<ArgumentOutOfRangeException>(() => Gemm.Multiply(
            Transpose.No, Transpose.Yes, 2, 3, 4, 1f, new float[8], 4, new float[12], 3, 0f, new float[6], 3)).ParamName);
    }

    [Fact]
    public void UndefinedTransposeValuesAreRejectedByName()
    {
        // Sized as a transposed A (2 x 100 stored) but an undefined value used to be packed as not transposed,
        // reading 100 rows of 100 past the span's end.
        var a = new float[200];
        Assert.Equal("transA", Assert.Throws<ArgumentOutOfRangeException>(() => Gemm.Multiply(
            (Transpose)2, Transpose.No, 100, 100, 2, 1f, a, 100, new float[200], 100, 0f, new float[10_000], 100)).ParamName);
        Assert.Equal("transB", Assert.Throws<ArgumentOutOfRangeException>(() => Gemm.Multiply(
            Transpose.No, (Transpose)2, 1, 2, 100, 1f, new float[100], 100, a, 100, 0f, new float[2], 2)).ParamName);
        Assert.Equal("transB", Assert.Throws<ArgumentOutOfRangeException>(() => Gemm.Multiply(
            Transpose.No, (Transpose)(-1), 1, 1, 1, 1f, new float[1], 1, new float[1], 1, 0f, new float[1], 1)).ParamName);
    }

    [Theory]
    [InlineData(1, 9)]
    [InlineData(64, 9)]
    [InlineData(64, 21)]
    [InlineData(3, 17)]
    public void FusedReluKeepsNaNInEveryColumnAndAtEveryRowCount(int m, int n)
    {
        // Row 0 of A holds a NaN; every other row is finite. The vector and scalar columns, the matrix-vector route
        // (m = 1) and the blocked ones must all give NaN on row 0 and max(x, 0) elsewhere, as the Relu layer does.
        const int k = 4;
        var a = new float[m * k];
        for (int i = 0; i < a.Length; i++)
        {
            a[i] = (i % 3) - 1f;
        }
        a[0] = float.NaN;
        var b = Enumerable.Range(0, k * n).Select(i => (i % 5) - 2f).ToArray();
        var c = new float[m * n];
        Gemm.Multiply(Transpose.No, Transpose.No, m, n, k, 1f, a, k, b, n, 0f, c, n, default, GemmActivation.Relu);
        for (int j = 0; j < n; j++)
        {
            Assert.True(float.IsNaN(c[j]), $"column {j} of the row holding NaN is {c[j]}");
        }
        for (int r = 1; r < m; r++)
        {
            for (int j = 0; j < n; j++)
            {
                double sum = 0;
                for (int p = 0; p < k; p++)
                {
                    sum += (double)a[r * k + p] * b[p * n + j];
                }
                Assert.Equal((float)Math.Max(sum, 0), c[r * n + j]);
            }
        }
    }

    [Fact]
    public void UnknownActivationIsRejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Gemm.Multiply(
            Transpose.No, Transpose.No, 1, 1, 1, 1f, new float[1], 1, new float[1], 1, 0f, new float[1], 1, default, (GemmActivation)9));
    }

    [Fact]
    public void OptionsRejectNonsense()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => GemmOptions.MaxDegreeOfParallelism = 0);
        // "No limit" would start a thread per part, for the life of the process (thousands in one call).
        Assert.Contains("at most", Assert.Throws<ArgumentOutOfRangeException>(() => GemmOptions.MaxDegreeOfParallelism = int.MaxValue).Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => GemmOptions.MaxDegreeOfParallelism = GemmOptions.MaxThreadLimit + 1);
        Assert.True(GemmOptions.MaxThreadLimit >= Math.Max(64, Environment.ProcessorCount));
        Assert.Throws<ArgumentOutOfRangeException>(() => GemmOptions.ParallelThreshold = -1);
    }

    [Fact]
    public void RuntimeSwitchesNarrowTheChosenPath()
    {
        // .ci/kernel-paths.sh runs the kernel tests with these switches to force each path for a whole process.
        // .NET 10 reads DOTNET_EnableAVX512 (it ignores the older DOTNET_EnableAVX512F); AVX2 = 0 or AVX = 0
        // also turns off FMA and AVX-512.
        if (Environment.GetEnvironmentVariable("DOTNET_EnableAVX512") == "0")
        {
            Assert.NotEqual(GemmPath.Avx512, GemmDispatch.Best);
        }
        if (Environment.GetEnvironmentVariable("DOTNET_EnableAVX2") == "0" || Environment.GetEnvironmentVariable("DOTNET_EnableAVX") == "0")
        {
            Assert.Equal(GemmPath.Portable, GemmDispatch.Best);
        }
        Assert.True(GemmDispatch.IsSupported(GemmDispatch.Best));
        Assert.True(GemmDispatch.IsSupported(GemmPath.Portable));
    }

    [Fact]
    public void ConcurrentCallersGetTheSameBitsAsOneCaller()
    {
        // Several threads share the worker pool; whoever finds it busy runs its parts alone, with the same result.
        var testCase = new GemmCase(Transpose.No, Transpose.Yes, 96, 200, 150, 0, 0, 0, 1f, 0f, true, GemmActivation.Relu, 17);
        (float[] a, float[] b, float[] c, float[] bias) = testCase.Data();
        float[] expected = testCase.Run(GemmDispatch.Best, 2, a, b, c, bias);
        var results = new float[8][];
        Parallel.For(0, results.Length, new ParallelOptions { MaxDegreeOfParallelism = 4 }, i =>
        {
            for (int repeat = 0; repeat < 5; repeat++)
            {
                results[i] = testCase.Run(GemmDispatch.Best, 2, a, b, c, bias);
            }
        });
        foreach (float[] result in results)
        {
            Assert.Equal(expected, result);
        }
    }

    [Fact]
    public void SteadyStateCallsAllocateNothing()
    {
        float[] a = new float[300 * 300], b = new float[300 * 300], c = new float[300 * 300], bias = new float[300];
        float[] x = new float[300], y = new float[300];
        void Calls()
        {
            foreach (int threads in OneAndTwoThreads)
            {
                Gemm.Multiply(GemmDispatch.Best, threads, 0, Transpose.No, Transpose.Yes, 300, 300, 300, 1f, a, 300, b, 300, 0f, c, 300, bias, GemmActivation.GeluTanh);
                Gemm.Multiply(GemmDispatch.Best, threads, 0, Transpose.Yes, Transpose.No, 300, 300, 300, 1f, a, 300, b, 300, 1f, c, 300, default, GemmActivation.None);
                Gemm.Multiply(GemmDispatch.Best, threads, 0, Transpose.No, Transpose.No, 1, 300, 300, 1f, x, 300, b, 300, 0f, y, 300, default, GemmActivation.None);
                Gemm.Multiply(GemmDispatch.Best, threads, 0, Transpose.No, Transpose.No, 32, 3, 64, 1f, a, 64, b, 3, 0f, c, 3, default, GemmActivation.None);
            }
        }
        // Other test classes run GEMMs concurrently; while they hold the worker pool a call runs serially and the
        // pool's one-time growth can land in a later round. Steady state means: once warm, rounds allocate nothing.
        var perRound = new long[10];
        for (int round = 0; round < perRound.Length; round++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            Calls();
            perRound[round] = GC.GetAllocatedBytesForCurrentThread() - before;
        }
        Assert.Equal([0, 0, 0], perRound[^3..]);
    }
}
