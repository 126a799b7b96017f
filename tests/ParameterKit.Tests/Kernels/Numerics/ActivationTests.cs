using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using ParameterKit.Kernels.Numerics;

namespace ParameterKit.Tests.Kernels.Numerics;

/// <summary>
/// GELU (tanh approximation) and SiLU, forward and backward, against their double-precision references, and their
/// vector forms against their scalar forms bit for bit, over rows of every length.
/// </summary>
/// <remarks>
/// Tolerances. Forward: the exponential's argument a carries a relative error of a few ulp, which e^a turns into an
/// absolute error of about |a|·2⁻²³ relative to e^a; so |y − ref| ≤ 4e-7·(2 + |a|)·|ref| + 1e-30. Backward: the
/// derivative is a sum of terms no larger than about 1.2 in magnitude: |dx − ref| ≤ 2e-6·(1 + |a|·|ref|)·|dy| + 1e-30.
/// </remarks>
public sealed class ActivationTests
{
    private const double Sqrt2OverPi = 0.7978845608028654;

    private static double GeluArgument(double x) => 2 * Sqrt2OverPi * (x + 0.044715 * x * x * x);

    [Property(MaxTest = 200)]
    public Property Gelu_forward_matches_the_reference() =>
        Prop.ForAll(NumericsGenerators.Rows(12f).ToArbitrary(), x => CheckForward(x, GeluTanh.Forward, GeluTanh.Reference, GeluArgument));

    [Property(MaxTest = 200)]
    public Property Silu_forward_matches_the_reference() =>
        Prop.ForAll(NumericsGenerators.Rows(30f).ToArbitrary(), x => CheckForward(x, Silu.Forward, Silu.Reference, v => v));

    [Property(MaxTest = 200)]
    public Property Gelu_backward_matches_the_reference() =>
        Prop.ForAll(NumericsGenerators.Rows(12f).ToArbitrary(), x => CheckBackward(x, GeluTanh.Backward, GeluTanh.DerivativeReference, GeluArgument));

    [Property(MaxTest = 200)]
    public Property Silu_backward_matches_the_reference() =>
        Prop.ForAll(NumericsGenerators.Rows(30f).ToArbitrary(), x => CheckBackward(x, Silu.Backward, Silu.DerivativeReference, v => v));

    [Property(MaxTest = 200)]
    public Property Vector_and_scalar_forms_agree_bit_for_bit() =>
        Prop.ForAll(NumericsGenerators.Rows(40f).ToArbitrary(), x =>
        {
            float[] dy = NumericsGenerators.Uniform(x.Length, x.Length, 2f);
            var gelu = new float[x.Length];
            var silu = new float[x.Length];
            var dGelu = new float[x.Length];
            var dSilu = new float[x.Length];
            GeluTanh.Forward(x, gelu);
            Silu.Forward(x, silu);
            GeluTanh.Backward(x, dy, dGelu);
            Silu.Backward(x, dy, dSilu);
            for (int i = 0; i < x.Length; i++)
            {
                if (!(NumericsGenerators.SameBits(gelu[i], GeluTanh.Forward(x[i])) && NumericsGenerators.SameBits(silu[i], Silu.Forward(x[i]))
                    && NumericsGenerators.SameBits(dGelu[i], GeluTanh.Backward(x[i], dy[i])) && NumericsGenerators.SameBits(dSilu[i], Silu.Backward(x[i], dy[i]))))
                {
                    return false.Label($"x[{i}] = {x[i]:R} of {x.Length}: a span result differs from the scalar form");
                }
            }
            return true.ToProperty();
        });

    [Fact]
    public void In_place_equals_out_of_place()
    {
        float[] x = NumericsGenerators.Uniform(37, 5, 8f), dy = NumericsGenerators.Uniform(37, 6, 1f);
        var expected = new float[37];
        GeluTanh.Backward(x, dy, expected);
        var inPlace = (float[])dy.Clone();
        GeluTanh.Backward(x, inPlace, inPlace); // dx over dy, as GPT-2's MLP calls it
        Assert.Equal(expected, inPlace);
        Silu.Forward(x, expected);
        var y = (float[])x.Clone();
        Silu.Forward(y, y);
        Assert.Equal(expected, y);
    }

    [Fact]
    public void Both_saturate_without_nan()
    {
        float[] x = [-1e4f, -200f, -90f, 90f, 200f, 1e4f, 0f];
        var gelu = new float[x.Length];
        var silu = new float[x.Length];
        GeluTanh.Forward(x, gelu);
        Silu.Forward(x, silu);
        Assert.Equal([-0f, -0f, -0f, 90f, 200f, 1e4f, 0f], gelu);
        Assert.Equal(new[] { -0f, -0f }, silu[..2]);
        Assert.Equal(new[] { 90f, 200f, 1e4f, 0f }, silu[3..]);
        Assert.True(silu[2] <= 0 && silu[2] > -1e-35f, $"SiLU(-90) = {silu[2]}");
    }

    private static Property CheckForward(float[] x, SpanMap forward, Func<double, double> reference, Func<double, double> argument)
    {
        var y = new float[x.Length];
        forward(x, y);
        for (int i = 0; i < x.Length; i++)
        {
            double expected = reference(x[i]);
            double tolerance = 4e-7 * (2 + Math.Abs(argument(x[i]))) * Math.Abs(expected) + 1e-30;
            if (!(Math.Abs(y[i] - expected) <= tolerance))
            {
                return false.Label($"f({x[i]:R}) = {y[i]:R}, expected {expected:R} within {tolerance:G3}");
            }
        }
        return true.ToProperty();
    }

    private static Property CheckBackward(float[] x, SpanMap2 backward, Func<double, double> derivative, Func<double, double> argument)
    {
        float[] dy = NumericsGenerators.Uniform(x.Length, x.Length + 1, 3f);
        var dx = new float[x.Length];
        backward(x, dy, dx);
        for (int i = 0; i < x.Length; i++)
        {
            double expected = derivative(x[i]) * dy[i];
            double tolerance = 2e-6 * (1 + Math.Abs(argument(x[i]) * derivative(x[i]))) * Math.Abs(dy[i]) + 1e-30;
            if (!(Math.Abs(dx[i] - expected) <= tolerance))
            {
                return false.Label($"f'({x[i]:R})·{dy[i]:R} = {dx[i]:R}, expected {expected:R} within {tolerance:G3}");
            }
        }
        return true.ToProperty();
    }

    private delegate void SpanMap(ReadOnlySpan<float> x, Span<float> y);

    private delegate void SpanMap2(ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> dx);
}
