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
    public void UnknownActivationIsRejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Gemm.Multiply(
            Transpose.No, Transpose.No, 1, 1, 1, 1f, new float[1], 1, new float[1], 1, 0f, new float[1], 1, default, (GemmActivation)9));
    }

    [Fact]
    public void OptionsRejectNonsense()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => GemmOptions.MaxDegreeOfParallelism = 0);
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
        Calls();
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 5; i++)
        {
            Calls();
        }
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
