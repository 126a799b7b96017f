using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using ParameterKit.Kernels;

namespace ParameterKit.Tests.Kernels;

/// <summary>
/// Property tests: every instruction-set path this process can run and every thread count (1, 2, 3) agree with
/// the double-precision reference over random shapes, including zero, one, sizes that are not multiples of the
/// vector width, padded leading dimensions, all four transpose cases and the fused epilogues; and all thread
/// counts give bit-identical results.
/// </summary>
public sealed class GemmPropertyTests
{
    private static readonly int[] ThreadCounts = [1, 2, 3];

    internal static GemmPath[] SupportedPaths { get; } =
        Enum.GetValues<GemmPath>().Where(GemmDispatch.IsSupported).ToArray();

    /// <summary>Dimensions weighted towards the edges: 0, 1, tiny, around the tile sizes, and up to 70.</summary>
    private static Gen<int> Dimension(int max) => Gen.Frequency(
        (1, Gen.Constant(0)),
        (2, Gen.Constant(1)),
        (4, Gen.Choose(2, 9)),
        (4, Gen.Elements(11, 12, 13, 15, 16, 17, 31, 32, 33)),
        (6, Gen.Choose(2, max)));

    private static Gen<GemmCase> Cases(int max, bool epilogue) =>
        from transA in Gen.Elements(Transpose.No, Transpose.Yes)
        from transB in Gen.Elements(Transpose.No, Transpose.Yes)
        from m in Dimension(max)
        from n in Dimension(max)
        from k in Dimension(max)
        from pads in Gen.Three(Gen.Elements(0, 0, 1, 3))
        from alpha in Gen.Elements(1f, 1f, -0.5f, 2f, 0f)
        from beta in Gen.Elements(0f, 0f, 1f, 0.75f)
        from bias in epilogue ? Gen.Elements(true, false) : Gen.Constant(false)
        from activation in epilogue ? Gen.Elements(GemmActivation.None, GemmActivation.Relu, GemmActivation.GeluTanh, GemmActivation.Silu) : Gen.Constant(GemmActivation.None)
        from seed in Gen.Choose(0, int.MaxValue)
        select new GemmCase(transA, transB, m, n, k, pads.Item1, pads.Item2, pads.Item3, alpha, beta, bias, activation, seed);

    [Property(MaxTest = 120)]
    public Property EveryPathAndThreadCountMatchesTheReference() =>
        Prop.ForAll(Cases(70, epilogue: false).ToArbitrary(), AllVariantsAgree);

    [Property(MaxTest = 60)]
    public Property FusedBiasAndActivationMatchTheReference() =>
        Prop.ForAll(Cases(40, epilogue: true).ToArbitrary(), AllVariantsAgree);

    /// <summary>
    /// Narrow products (2 &lt;= N &lt;= 8, the 32 x 64 x 3 family): K often a multiple of the vector widths and C often
    /// exactly N wide, which is when tiles reduce and store their sums as whole vectors, and B often stored K x N
    /// with ldb = N, which is when the transposing gather must stop its four-value loads at the matrix's end.
    /// </summary>
    [Property(MaxTest = 100)]
    public Property NarrowProductsMatchTheReference() =>
        Prop.ForAll(NarrowCases.ToArbitrary(), AllVariantsAgree);

    private static Gen<GemmCase> NarrowCases =>
        from transA in Gen.Elements(Transpose.No, Transpose.No, Transpose.Yes)
        from transB in Gen.Elements(Transpose.No, Transpose.Yes)
        from m in Gen.Frequency((1, Gen.Constant(1)), (6, Gen.Choose(2, 41)))
        from n in Gen.Choose(2, 8)
        from k in Gen.Frequency((3, Gen.Elements(8, 16, 24, 32, 48, 64, 128)), (2, Gen.Choose(1, 70)))
        from pads in Gen.Three(Gen.Elements(0, 0, 0, 1, 5))
        from alpha in Gen.Elements(1f, 1f, -0.5f)
        from beta in Gen.Elements(0f, 0f, 1f, 0.75f)
        from bias in Gen.Elements(true, false)
        from activation in Gen.Elements(GemmActivation.None, GemmActivation.None, GemmActivation.Relu, GemmActivation.GeluTanh, GemmActivation.Silu)
        from seed in Gen.Choose(0, int.MaxValue)
        select new GemmCase(transA, transB, m, n, k, pads.Item1, pads.Item2, pads.Item3, alpha, beta, bias, activation, seed);

    /// <summary>Runs one case on every path and thread count; returns true or fails with the first difference.</summary>
    internal static bool AllVariantsAgree(GemmCase testCase)
    {
        (float[] a, float[] b, float[] c, float[] bias) = testCase.Data();
        (double[] Expected, double[] Bound) oracle = testCase.Oracle(a, b, c, bias);
        foreach (GemmPath path in SupportedPaths)
        {
            float[]? single = null;
            foreach (int threads in ThreadCounts)
            {
                float[] actual = testCase.Run(path, threads, a, b, c, bias);
                string? failure = testCase.Check(actual, c, oracle);
                Assert.True(failure == null, $"{path}, {threads} thread(s): {failure}");
                if (single == null)
                {
                    single = actual;
                }
                else
                {
                    Assert.True(BitIdentical(single, actual), $"{path}: {threads} threads differ from 1 thread for {testCase}");
                }
            }
        }
        return true;
    }

    private static bool BitIdentical(float[] x, float[] y) =>
        x.AsSpan().SequenceEqual(y) || x.Select(BitConverter.SingleToInt32Bits).SequenceEqual(y.Select(BitConverter.SingleToInt32Bits));
}
