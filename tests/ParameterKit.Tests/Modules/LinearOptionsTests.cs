using ParameterKit.Kernels;
using ParameterKit.Kernels.Numerics;
using ParameterKit.Modules;
using ParameterKit.Parameters;

namespace ParameterKit.Tests.Modules;

/// <summary>
/// The options composite blocks use instead of calling the GEMM on a layer's weight themselves: accumulating into
/// the output (a residual stream) and an activation fused into the GEMM's epilogue. Each is compared with the plain
/// forward pass followed by the separate step; tolerance 1e-5·(1 + |y|) (one rounding of the sum, one of GELU).
/// </summary>
public sealed class LinearOptionsTests
{
    private static (Linear Layer, float[] Input) Make(int rows, int c, int oc, int seed)
    {
        var store = new ParameterStore();
        var linear = new Linear(store.Scope("fc"), c, oc);
        store.Materialize((ulong)seed);
        DoubleReference.RandomValues(oc, seed).CopyTo(linear.Bias!.Value);
        return (linear, DoubleReference.RandomValues(rows * c, seed + 1));
    }

    [Theory]
    [InlineData(1, 7, 5, 1)]
    [InlineData(6, 33, 17, 2)]
    public void Accumulate_adds_into_the_output(int rows, int c, int oc, int seed)
    {
        (Linear linear, float[] x) = Make(rows, c, oc, seed);
        float[] residual = DoubleReference.RandomValues(rows * oc, seed + 2);
        var plain = new float[rows * oc];
        linear.Forward(x, plain, c);
        double[] expected = [.. residual.Zip(plain, (r, p) => (double)r + p)];

        linear.Forward(x, residual, c, accumulate: true);

        DoubleReference.AssertClose(expected, residual, 1e-5);
    }

    [Theory]
    [InlineData(1, 7, 5, 3)]
    [InlineData(6, 33, 17, 4)]
    public void A_fused_gelu_equals_the_gelu_after_the_plain_pass_bit_for_bit(int rows, int c, int oc, int seed)
    {
        (Linear linear, float[] x) = Make(rows, c, oc, seed);
        var plain = new float[rows * oc];
        linear.Forward(x, plain, c);
        var separate = new float[rows * oc];
        GeluTanh.Forward(plain, separate);
        var fused = new float[rows * oc];

        linear.Forward(x, fused, c, accumulate: false, GemmActivation.GeluTanh);

        // One GELU in the library: the epilogue and the separate pass compute the same bits.
        Assert.Equal(separate, fused);
    }

    [Fact]
    public void An_activation_with_accumulate_is_refused()
    {
        (Linear linear, float[] x) = Make(2, 3, 4, 5);
        var e = Assert.Throws<ArgumentException>(() => linear.Forward(x, new float[8], 3, accumulate: true, GemmActivation.GeluTanh));
        Assert.Contains("fc", e.Message, StringComparison.Ordinal);
    }
}
