using ParameterKit.Kernels;

namespace ParameterKit.Tests.Kernels;

/// <summary>
/// Fixed shapes the random ones rarely reach: several K blocks (K &gt; <see cref="GemmBlocking.KC"/>), several N blocks
/// (N &gt; <see cref="GemmBlocking.NC"/>), several M blocks (M &gt; <see cref="GemmBlocking.MC"/>), the benchmark's
/// matrix-vector and tiny shapes, and the Linear layer's three products.
/// </summary>
public sealed class GemmFixedShapeTests
{
    public static TheoryData<int, int, int> Shapes => new()
    {
        { 129, 257, 300 },
        { 37, 600, 530 },
        { 1600, 40, 20 },
        { 32, 3, 64 },
        { 1, 3000, 768 },
        { 2000, 1, 513 },
        { 64, 96, 768 },
        { 9, 4500, 140 },
    };

    [Fact]
    public void FixedShapesCrossEveryBlockBoundary()
    {
        int[][] shapes = Shapes.Select(row => new[] { (int)row[0], (int)row[1], (int)row[2] }).ToArray();
        Assert.Contains(shapes, s => s[0] > GemmBlocking.MC);
        Assert.Contains(shapes, s => s[1] > GemmBlocking.NC);
        Assert.Contains(shapes, s => s[2] > GemmBlocking.KC);
        Assert.Contains(shapes, s => s[0] <= GemmBlocking.StreamedRows && s[2] > GemmBlocking.KC);
    }

    [Fact]
    public void ScratchHoldsTheLargestBlockOfEitherRoute()
    {
        int rows = (GemmBlocking.StreamedRows + 7) / 8 * 8;
        Assert.True(GemmScratch.ACapacity >= rows * GemmBlocking.KC);
        Assert.True(GemmScratch.ACapacity >= GemmBlocking.MC * GemmBlocking.KC);
        Assert.True(GemmScratch.BCapacity >= GemmBlocking.KC * GemmBlocking.NC);
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void AllTransposesMatchTheReference(int m, int n, int k)
    {
        int seed = m * 7919 + n * 31 + k;
        foreach (Transpose transA in Enum.GetValues<Transpose>())
        {
            foreach (Transpose transB in Enum.GetValues<Transpose>())
            {
                var testCase = new GemmCase(transA, transB, m, n, k, 1, 0, 2, 1f, seed % 2 == 0 ? 0f : 1f, false, GemmActivation.None, seed);
                GemmPropertyTests.AllVariantsAgree(testCase);
            }
        }
    }

    [Fact]
    public void LinearLayerForwardWithGeluMatchesTheReference()
    {
        // y[B*T, OC] = gelu(x[B*T, C] · w[OC, C]ᵀ + bias[OC]) with B*T = 48, C = 96, OC = 4 * 96.
        var testCase = new GemmCase(Transpose.No, Transpose.Yes, 48, 384, 96, 0, 0, 0, 1f, 0f, true, GemmActivation.GeluTanh, 5);
        GemmPropertyTests.AllVariantsAgree(testCase);
    }

    [Fact]
    public void ReferenceAgreesWithTheTestOracle()
    {
        var testCase = new GemmCase(Transpose.Yes, Transpose.No, 13, 17, 19, 1, 2, 3, 0.5f, 0.25f, false, GemmActivation.None, 11);
        (float[] a, float[] b, float[] c, float[] bias) = testCase.Data();
        float[] actual = (float[])c.Clone();
        GemmReference.Multiply(testCase.TransA, testCase.TransB, 13, 17, 19, 0.5f, a, testCase.Lda, b, testCase.Ldb, 0.25f, actual, testCase.Ldc);
        Assert.Null(testCase.Check(actual, c, testCase.Oracle(a, b, c, bias)));
    }

    [Fact]
    public void PublicOverloadsUseTheBestPath()
    {
        var testCase = new GemmCase(Transpose.No, Transpose.Yes, 70, 90, 110, 0, 0, 0, 1f, 0f, true, GemmActivation.Relu, 3);
        (float[] a, float[] b, float[] c, float[] bias) = testCase.Data();
        float[] viaPublic = (float[])c.Clone();
        Gemm.Multiply(Transpose.No, Transpose.Yes, 70, 90, 110, 1f, a, 110, b, 110, 0f, viaPublic, 90, bias, GemmActivation.Relu);
        float[] viaPath = testCase.Run(GemmDispatch.Best, 1, a, b, c, bias);
        Assert.Equal(viaPath, viaPublic);

        float[] plain = (float[])c.Clone();
        Gemm.Multiply(Transpose.No, Transpose.Yes, 70, 90, 110, 1f, a, 110, b, 110, 0f, plain, 90);
        GemmCase plainCase = testCase with { WithBias = false, Activation = GemmActivation.None };
        Assert.Null(plainCase.Check(plain, c, plainCase.Oracle(a, b, c, [])));
    }
}
